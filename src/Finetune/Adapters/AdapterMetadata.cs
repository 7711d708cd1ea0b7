using Llm.Finetune.Training;

namespace Llm.Finetune.Adapters;

/// <summary>How an adapter was trained; informational except <see cref="BaseModelId"/>, which text adapters are checked against.</summary>
public sealed record AdapterMetadata
{
    /// <summary>Embedding model that produced the features of a text adapter; null for numeric datasets.</summary>
    public string? BaseModelId { get; init; }

    public int Seed { get; init; }

    /// <summary>Epochs actually run (fewer than configured when early stopping triggered).</summary>
    public int Epochs { get; init; }

    /// <summary>Epoch whose weights the adapter holds.</summary>
    public int BestEpoch { get; init; }

    public int BatchSize { get; init; }

    public string Optimizer { get; init; } = "";

    public float LearningRate { get; init; }

    public float L2 { get; init; }

    public int TrainingRows { get; init; }

    public int ValidationRows { get; init; }

    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Metrics of the kept epoch: train_loss, validation_loss, train_accuracy, validation_accuracy when available.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public static AdapterMetadata FromTraining(TrainingOptions options, TrainingResult result, int trainingRows, int validationRows,
        string? baseModelId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(result);
        EpochReport best = result.Best;
        var metrics = new Dictionary<string, double> { ["train_loss"] = best.TrainLoss };
        AddIfPresent(metrics, "validation_loss", best.ValidationLoss);
        AddIfPresent(metrics, "train_accuracy", best.TrainAccuracy);
        AddIfPresent(metrics, "validation_accuracy", best.ValidationAccuracy);
        return new AdapterMetadata
        {
            BaseModelId = baseModelId,
            Seed = options.Seed,
            Epochs = result.EpochsRun,
            BestEpoch = result.BestEpoch,
            BatchSize = options.BatchSize,
            Optimizer = options.Optimizer.ToString(),
            LearningRate = options.LearningRate,
            L2 = options.L2,
            TrainingRows = trainingRows,
            ValidationRows = validationRows,
            CreatedUtc = DateTimeOffset.UtcNow,
            Metrics = metrics,
        };
    }

    private static void AddIfPresent(Dictionary<string, double> metrics, string name, double? value)
    {
        if (value is double v)
        {
            metrics[name] = v;
        }
    }
}
