using System.Numerics.Tensors;

namespace Llm.Finetune.Optimization;

/// <summary>Heavy-ball momentum: v = mu * v + g; p -= lr * v.</summary>
public sealed class Momentum : Optimizer
{
    private float[]? _velocity;

    public Momentum(float learningRate, float momentum = 0.9f)
        : base(learningRate)
    {
        if (!(momentum >= 0f && momentum < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), "Momentum must be in [0, 1).");
        }

        Coefficient = momentum;
    }

    public float Coefficient { get; }

    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        CheckLengths(parameters, gradient);
        float[] velocity = EnsureState(ref _velocity, parameters.Length);
        TensorPrimitives.MultiplyAdd(velocity, Coefficient, gradient, velocity);
        TensorPrimitives.MultiplyAdd(velocity, -LearningRate, parameters, parameters);
    }

    public override void Reset() => _velocity = null;
}
