using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Llm.Finetune.Optimization;

/// <summary>Adam (Kingma and Ba) with bias correction, in the same form as PyTorch's implementation.</summary>
public sealed class Adam : Optimizer
{
    private float[]? _m;
    private float[]? _v;
    private float[]? _scratch;
    private long _step;

    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(learningRate)
    {
        if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f) || !(epsilon > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), "Betas must be in [0, 1) and epsilon positive.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        CheckLengths(parameters, gradient);
        float[] m = EnsureState(ref _m, parameters.Length);
        float[] v = EnsureState(ref _v, parameters.Length);
        float[] s = EnsureState(ref _scratch, parameters.Length);
        _step++;

        // m = b1 m + (1 - b1) g ; v = b2 v + (1 - b2) g^2
        TensorPrimitives.Multiply(m, Beta1, m);
        TensorPrimitives.MultiplyAdd(gradient, 1f - Beta1, m, m);
        TensorPrimitives.Multiply(gradient, gradient, s);
        TensorPrimitives.Multiply(v, Beta2, v);
        TensorPrimitives.MultiplyAdd(s, 1f - Beta2, v, v);

        // p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
        double correction1 = 1.0 - Math.Pow(Beta1, _step);
        double correction2 = 1.0 - Math.Pow(Beta2, _step);
        TensorPrimitives.Sqrt(v, s);
        TensorPrimitives.Multiply(s, (float)(1.0 / Math.Sqrt(correction2)), s);
        TensorPrimitives.Add(s, Epsilon, s);
        TensorPrimitives.Divide(m, s, s);
        TensorPrimitives.MultiplyAdd(s, (float)(-LearningRate / correction1), parameters, parameters);
    }

    public override void Reset()
    {
        _m = null;
        _v = null;
        _step = 0;
    }
}
