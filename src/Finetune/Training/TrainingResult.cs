using Llm.Finetune.Data;

namespace Llm.Finetune.Training;

/// <summary>Outcome of <see cref="Trainer.Train"/>. The model itself is trained in place.</summary>
public sealed record TrainingResult(
    Standardizer? Standardizer,
    IReadOnlyList<EpochReport> History,
    int BestEpoch,
    bool StoppedEarly,
    TimeSpan Elapsed)
{
    public int EpochsRun => History.Count;

    /// <summary>The epoch whose weights the model ends with (the last one unless best weights were restored).</summary>
    public EpochReport Best => History[BestEpoch - 1];
}
