using Llm.Finetune.Models;

namespace Llm.Finetune.Training;

/// <summary>Everything <see cref="FineTuner"/> needs besides the data: model shape, split and training settings.</summary>
public sealed record FineTuneOptions
{
    /// <summary>Model family; null picks linear regression for targets and logistic regression for labels.</summary>
    public ModelKind? Model { get; init; }

    /// <summary>Hidden layer sizes when <see cref="Model"/> is <see cref="ModelKind.Mlp"/>.</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [64];

    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Share of rows held out (stratified for classification) to monitor validation loss; 0 trains on everything.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    public TrainingOptions Training { get; init; } = new();

    /// <summary>Identifier of the embedding model for text data, recorded in the adapter.</summary>
    public string? BaseModelId { get; init; }

    public int EmbeddingBatchSize { get; init; } = 64;
}
