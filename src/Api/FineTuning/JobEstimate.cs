using Llm.Finetune.Training;

namespace Llm.Api.FineTuning;

/// <summary>A job's estimated memory, in bytes, by part (see <see cref="JobBudget.Estimate"/> for the formula).</summary>
/// <param name="ParameterCount">Trainable parameters of the adapter.</param>
/// <param name="ParseBytes">Peak while the files are parsed: file bytes plus the readers' growing buffers.</param>
/// <param name="RowBytes">Rows held while training besides the trainer's own copy: the parsed files, embeddings, a held-out split.</param>
/// <param name="Training">What the trainer itself allocates.</param>
public sealed record JobEstimate(long ParameterCount, long ParseBytes, long RowBytes, TrainingFootprint Training)
{
    /// <summary>Gets the bytes of rows at the larger of the two moments: parsing, or training.</summary>
    public long DataBytes => Math.Max(ParseBytes, RowBytes + Training.DataBytes);

    /// <summary>Gets the bytes held while training: the rows and everything the trainer allocates.</summary>
    public long TrainingPhaseBytes => RowBytes + Training.TotalBytes;

    /// <summary>Gets the estimated peak: parsing comes before the weights exist, training after.</summary>
    public long PeakBytes => Math.Max(ParseBytes, TrainingPhaseBytes);
}
