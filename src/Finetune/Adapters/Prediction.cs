namespace Llm.Finetune.Adapters;

/// <summary>
/// Result for one row. Classifiers set <see cref="Label"/> (the most probable class) and one probability per
/// label in label order; regressors set <see cref="Value"/> and leave the probabilities empty.
/// </summary>
public sealed record Prediction(string? Label, IReadOnlyList<LabelProbability> Probabilities, float? Value)
{
    /// <summary>Probability of the predicted label (1 for regressors, which have no distribution).</summary>
    public float Confidence => Label is null ? 1f : Probabilities.Max(p => p.Probability);
}
