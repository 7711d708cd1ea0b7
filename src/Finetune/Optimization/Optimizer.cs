namespace Llm.Finetune.Optimization;

/// <summary>Updates parameters in place from a gradient. State is sized on the first step and reused afterwards.</summary>
public abstract class Optimizer
{
    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0f) || !float.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), "The learning rate must be a positive finite number.");
        }

        LearningRate = learningRate;
    }

    public float LearningRate { get; }

    public abstract void Step(Span<float> parameters, ReadOnlySpan<float> gradient);

    /// <summary>Forgets accumulated state (velocity, moments) so the optimizer can start a new run.</summary>
    public abstract void Reset();

    public static Optimizer Create(OptimizerKind kind, float learningRate, float momentum = 0.9f) => kind switch
    {
        OptimizerKind.Sgd => new Sgd(learningRate),
        OptimizerKind.Momentum => new Momentum(learningRate, momentum),
        OptimizerKind.Adam => new Adam(learningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private protected static void CheckLengths(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != gradient.Length)
        {
            throw new ArgumentException("Parameters and gradient differ in length.", nameof(gradient));
        }
    }

    private protected static float[] EnsureState(ref float[]? state, int length)
    {
        if (state is null || state.Length != length)
        {
            state = new float[length];
        }

        return state;
    }
}
