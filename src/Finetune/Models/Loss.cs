namespace Llm.Finetune.Models;

/// <summary>Training objective, determined by a model's <see cref="OutputActivation"/>.</summary>
public enum Loss
{
    /// <summary>Mean over rows of the squared error; the target is the real value.</summary>
    MeanSquaredError,

    /// <summary>Sigmoid cross-entropy computed from logits; the target is 0 or 1.</summary>
    BinaryCrossEntropy,

    /// <summary>Softmax cross-entropy computed from logits; the target is the class index.</summary>
    CategoricalCrossEntropy,
}
