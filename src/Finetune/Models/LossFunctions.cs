using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Llm.Finetune.Models;

/// <summary>
/// Losses evaluated from logits (never from probabilities) so large logits cannot overflow or
/// produce log(0): binary uses max(z,0) - z*y + log(1 + e^-|z|), categorical uses log-sum-exp.
/// </summary>
internal static class LossFunctions
{
    /// <summary>
    /// Returns the summed loss over <paramref name="rows"/> and, when <paramref name="gradient"/> is not empty,
    /// writes d(loss)/d(logit) multiplied by <paramref name="gradientScale"/> (1/rows gives the mean's gradient).
    /// <paramref name="correct"/> counts rows whose predicted class matches the target (classification only).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Evaluate(Loss loss, ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int width,
        Span<float> gradient, float gradientScale, out int correct)
    {
        bool wantGradient = !gradient.IsEmpty;
        correct = 0;
        double total = 0;
        switch (loss)
        {
            case Loss.MeanSquaredError:
                for (int r = 0; r < rows; r++)
                {
                    float diff = logits[r] - targets[r];
                    total += (double)diff * diff;
                    if (wantGradient)
                    {
                        gradient[r] = 2f * diff * gradientScale;
                    }
                }

                return total;

            case Loss.BinaryCrossEntropy:
                for (int r = 0; r < rows; r++)
                {
                    float z = logits[r], y = targets[r];
                    total += Math.Max(z, 0f) - z * y + Math.Log(1.0 + Math.Exp(-Math.Abs(z)));
                    if ((z > 0f) == (y > 0.5f))
                    {
                        correct++;
                    }

                    if (wantGradient)
                    {
                        gradient[r] = (Sigmoid(z) - y) * gradientScale;
                    }
                }

                return total;

            case Loss.CategoricalCrossEntropy:
                return Categorical(logits, targets, rows, width, gradient, gradientScale, ref correct);

            default:
                throw new ArgumentOutOfRangeException(nameof(loss));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Categorical(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int width,
        Span<float> gradient, float gradientScale, ref int correct)
    {
        double total = 0;
        Span<float> scratch = width <= 256 ? stackalloc float[width] : new float[width];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * width, width);
            int label = (int)targets[r];
            int argMax = TensorPrimitives.IndexOfMax(z);
            float max = z[argMax];
            Span<float> e = gradient.IsEmpty ? scratch : gradient.Slice(r * width, width);
            TensorPrimitives.Subtract(z, max, e);
            TensorPrimitives.Exp(e, e);
            float sum = TensorPrimitives.Sum(e);
            total += max + Math.Log(sum) - z[label];
            if (argMax == label)
            {
                correct++;
            }

            if (!gradient.IsEmpty)
            {
                TensorPrimitives.Multiply(e, gradientScale / sum, e);
                e[label] -= gradientScale;
            }
        }

        return total;
    }

    /// <summary>Softmax shifted by the row maximum so large logits cannot overflow exp.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> destination)
    {
        float max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, destination);
        TensorPrimitives.Exp(destination, destination);
        TensorPrimitives.Divide(destination, TensorPrimitives.Sum(destination), destination);
    }

    public static float Sigmoid(float z) => z >= 0 ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));
}
