using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Llm.Finetune.Compute;

namespace Llm.Finetune.Models;

/// <summary>
/// Fully connected network shared by every model kind: linear and logistic regression are the
/// zero-hidden-layer case. All parameters live in one flat array so optimizers, checkpoints and
/// adapter files treat them uniformly. Work buffers are sized once for the largest batch seen and
/// reused, which keeps the training loop free of allocations. Not thread-safe.
/// </summary>
internal sealed class DenseNetwork
{
    private const int PredictChunkRows = 256;
    private readonly int[] _sizes;
    private readonly int[] _weightOffsets;
    private readonly int[] _biasOffsets;
    private readonly Activation _hidden;
    private readonly Loss _loss;
    private int _capacity;
    private float[][] _activations = [];
    private float[][] _deltas = [];
    private float[] _transposed = [];
    private float[] _scratch = [];
    private float[] _ones = [];

    public DenseNetwork(int[] sizes, Activation hidden, Loss loss)
    {
        _sizes = sizes;
        _hidden = hidden;
        _loss = loss;
        int layers = sizes.Length - 1;
        _weightOffsets = new int[layers + 1];
        _biasOffsets = new int[layers + 1];
        int offset = 0;
        for (int l = 1; l <= layers; l++)
        {
            _weightOffsets[l] = offset;
            offset += sizes[l - 1] * sizes[l];
            _biasOffsets[l] = offset;
            offset += sizes[l];
        }

        Parameters = new float[offset];
    }

    public float[] Parameters { get; }

    private int Layers => _sizes.Length - 1;

    private int OutputWidth => _sizes[^1];

    public int WeightOffset(int layer) => _weightOffsets[layer];

    public int BiasOffset(int layer) => _biasOffsets[layer];

    private Span<float> Weights(int layer) => Parameters.AsSpan(_weightOffsets[layer], _sizes[layer - 1] * _sizes[layer]);

    private Span<float> Bias(int layer) => Parameters.AsSpan(_biasOffsets[layer], _sizes[layer]);

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
        {
            return;
        }

        _capacity = rows;
        _activations = new float[_sizes.Length][];
        _deltas = new float[_sizes.Length][];
        int widest = 0;
        for (int l = 1; l < _sizes.Length; l++)
        {
            _activations[l] = new float[rows * _sizes[l]];
            _deltas[l] = new float[rows * _sizes[l]];
            widest = Math.Max(widest, _sizes[l]);
        }

        int largestWeights = 0;
        for (int l = 1; l < _sizes.Length; l++)
        {
            largestWeights = Math.Max(largestWeights, _sizes[l - 1] * _sizes[l]);
        }

        _transposed = new float[largestWeights];
        _scratch = new float[rows * widest];
        _ones = new float[rows];
        Array.Fill(_ones, 1f);
    }

    /// <summary>Runs the layers, leaving logits of the last layer in the last activation buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<float> Forward(ReadOnlySpan<float> inputs, int rows)
    {
        EnsureCapacity(rows);
        ReadOnlySpan<float> layerInput = inputs;
        for (int l = 1; l <= Layers; l++)
        {
            int inWidth = _sizes[l - 1], outWidth = _sizes[l];
            Span<float> z = _activations[l].AsSpan(0, rows * outWidth);
            ReadOnlySpan<float> bias = Bias(l);
            for (int r = 0; r < rows; r++)
            {
                bias.CopyTo(z.Slice(r * outWidth, outWidth));
            }

            Gemm.Multiply(layerInput, Weights(l), z, rows, inWidth, outWidth, accumulate: true);
            if (l < Layers)
            {
                ApplyHidden(z);
            }

            layerInput = z;
        }

        return layerInput;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyHidden(Span<float> z)
    {
        switch (_hidden)
        {
            case Activation.Relu: TensorPrimitives.Max(z, 0f, z); break;
            case Activation.Tanh: TensorPrimitives.Tanh(z, z); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(z, z); break;
            default: throw new InvalidOperationException($"Unknown activation {_hidden}.");
        }
    }

    /// <summary>Multiplies <paramref name="delta"/> by the activation derivative, expressed through the activation's output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyHiddenDerivative(ReadOnlySpan<float> activated, Span<float> delta)
    {
        Span<float> s = _scratch.AsSpan(0, delta.Length);
        switch (_hidden)
        {
            case Activation.Relu:
                ReluDerivative(activated, delta);
                break;
            case Activation.Tanh:
                TensorPrimitives.Multiply(activated, activated, s);
                TensorPrimitives.Subtract(1f, s, s);
                TensorPrimitives.Multiply(delta, s, delta);
                break;
            case Activation.Sigmoid:
                TensorPrimitives.Multiply(activated, activated, s);
                TensorPrimitives.Subtract(activated, s, s);
                TensorPrimitives.Multiply(delta, s, delta);
                break;
            default:
                throw new InvalidOperationException($"Unknown activation {_hidden}.");
        }
    }

    /// <summary>Zeroes delta where the unit was inactive; branch-free because about half the units are.</summary>
    private static void ReluDerivative(ReadOnlySpan<float> activated, Span<float> delta)
    {
        int i = 0;
        for (; i + Vector<float>.Count <= delta.Length; i += Vector<float>.Count)
        {
            var active = Vector.GreaterThan(new Vector<float>(activated.Slice(i)), Vector<float>.Zero);
            Vector.ConditionalSelect(active, new Vector<float>(delta.Slice(i)), Vector<float>.Zero).CopyTo(delta.Slice(i));
        }

        for (; i < delta.Length; i++)
        {
            delta[i] = activated[i] > 0f ? delta[i] : 0f;
        }
    }

    /// <summary>
    /// Summed data loss over the rows (L2 excluded); when <paramref name="gradient"/> is not empty it receives the
    /// gradient of mean loss + (l2 / 2) * sum of squared weights (biases are not penalised).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, Span<float> gradient, float l2, out int correct)
    {
        ReadOnlySpan<float> logits = Forward(inputs, rows);
        Span<float> delta = _deltas[Layers].AsSpan(0, rows * OutputWidth);
        bool wantGradient = !gradient.IsEmpty;
        double loss = LossFunctions.Evaluate(_loss, logits, targets, rows, OutputWidth, delta, wantGradient, 1f / rows, out correct);
        if (wantGradient)
        {
            Backward(inputs, rows, gradient, l2);
        }

        return loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Backward(ReadOnlySpan<float> inputs, int rows, Span<float> gradient, float l2)
    {
        for (int l = Layers; l >= 1; l--)
        {
            int inWidth = _sizes[l - 1], outWidth = _sizes[l];
            ReadOnlySpan<float> delta = _deltas[l].AsSpan(0, rows * outWidth);
            ReadOnlySpan<float> previous = l == 1 ? inputs : _activations[l - 1].AsSpan(0, rows * inWidth);
            Span<float> weightGradient = gradient.Slice(_weightOffsets[l], inWidth * outWidth);
            Gemm.MultiplyTransposedA(previous, delta, weightGradient, rows, inWidth, outWidth, accumulate: false);
            if (l2 > 0f)
            {
                TensorPrimitives.MultiplyAdd(Weights(l), l2, weightGradient, weightGradient);
            }

            // Bias gradient = column sums of delta, i.e. ones^T * delta, which the product kernel vectorises.
            Span<float> biasGradient = gradient.Slice(_biasOffsets[l], outWidth);
            Gemm.MultiplyTransposedA(_ones.AsSpan(0, rows), delta, biasGradient, rows, 1, outWidth, accumulate: false);

            if (l > 1)
            {
                Span<float> transposed = _transposed.AsSpan(0, inWidth * outWidth);
                Gemm.Transpose(Weights(l), transposed, inWidth, outWidth);
                Span<float> previousDelta = _deltas[l - 1].AsSpan(0, rows * inWidth);
                Gemm.Multiply(delta, transposed, previousDelta, rows, outWidth, inWidth, accumulate: false);
                ApplyHiddenDerivative(previous, previousDelta);
            }
        }
    }

    /// <summary>Sum over layers of the squared weights, for reporting the L2 part of the objective.</summary>
    public double SquaredWeightNorm()
    {
        double total = 0;
        for (int l = 1; l <= Layers; l++)
        {
            total += TensorPrimitives.SumOfSquares(Weights(l));
        }

        return total;
    }

    /// <summary>Writes output-activation values (values, sigmoid probabilities or softmax rows) for each input row.</summary>
    public void Predict(ReadOnlySpan<float> inputs, int rows, Span<float> outputs, OutputActivation output)
    {
        int inWidth = _sizes[0], outWidth = OutputWidth;
        int chunk = Math.Max(_capacity, PredictChunkRows);
        for (int start = 0; start < rows; start += chunk)
        {
            int count = Math.Min(chunk, rows - start);
            ReadOnlySpan<float> logits = Forward(inputs.Slice(start * inWidth, count * inWidth), count);
            Span<float> destination = outputs.Slice(start * outWidth, count * outWidth);
            switch (output)
            {
                case OutputActivation.Identity:
                    logits.CopyTo(destination);
                    break;
                case OutputActivation.Sigmoid:
                    TensorPrimitives.Sigmoid(logits, destination);
                    break;
                case OutputActivation.Softmax:
                    for (int r = 0; r < count; r++)
                    {
                        LossFunctions.Softmax(logits.Slice(r * outWidth, outWidth), destination.Slice(r * outWidth, outWidth));
                    }

                    break;
            }
        }
    }
}
