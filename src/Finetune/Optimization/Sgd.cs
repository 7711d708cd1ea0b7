using System.Numerics.Tensors;

namespace Llm.Finetune.Optimization;

/// <summary>Plain gradient descent: p -= lr * g.</summary>
public sealed class Sgd(float learningRate) : Optimizer(learningRate)
{
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        CheckLengths(parameters, gradient);
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, parameters, parameters);
    }

    public override void Reset()
    {
    }
}
