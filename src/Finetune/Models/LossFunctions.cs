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
    /// Returns the summed loss over <paramref name="rows"/> and, when <paramref name="wantGradient"/> is set,
    /// writes d(loss)/d(logit) multiplied by <paramref name="gradientScale"/> (1/rows gives the mean's gradient).
    /// <paramref name="gradient"/> (rows x width) is needed either way: categorical loss uses it as work space.
    /// <paramref name="correct"/> counts rows whose predicted class matches the target (classification only).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Evaluate(Loss loss, ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int width,
        Span<float> gradient, bool wantGradient, float gradientScale, out int correct)
    {
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
                return Categorical(logits, targets, rows, width, gradient, wantGradient, gradientScale, ref correct);

            default:
                throw new ArgumentOutOfRangeException(nameof(loss));
        }
    }

    /// <summary>
    /// Row-wise log-sum-exp with one vectorised exp over the whole batch: class counts are usually far
    /// too small for per-row vector calls to pay off.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Categorical(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int width,
        Span<float> work, bool wantGradient, float gradientScale, ref int correct)
    {
        Span<float> e = work.Slice(0, rows * width);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * width, width);
            Span<float> shifted = e.Slice(r * width, width);
            float max = z[0];
            for (int j = 1; j < width; j++)
            {
                max = MathF.Max(max, z[j]);
            }

            for (int j = 0; j < width; j++)
            {
                shifted[j] = z[j] - max;
            }
        }

        TensorPrimitives.Exp(e, e);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = e.Slice(r * width, width);
            int label = (int)targets[r];
            float sum = 0f;
            int argMax = 0;
            for (int j = 0; j < width; j++)
            {
                sum += row[j];
                argMax = row[j] > row[argMax] ? j : argMax;
            }

            // loss = log-sum-exp(z) - z[label] = max + log(sum) - z[label], and max = z[argMax].
            total += logits[r * width + argMax] + Math.Log(sum) - logits[r * width + label];
            if (argMax == label)
            {
                correct++;
            }

            if (wantGradient)
            {
                float scale = gradientScale / sum;
                for (int j = 0; j < width; j++)
                {
                    row[j] *= scale;
                }

                row[label] -= gradientScale;
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
