using Llm.Finetune.Data;
using Llm.Finetune.Optimization;

namespace Llm.Finetune.Training;

/// <summary>
/// What one <see cref="Trainer.Train"/> run allocates, computed from shapes alone so a caller can refuse a run
/// before any data is parsed. All sizes are in bytes of 4-byte floats (or ints), rounded nowhere.
/// </summary>
/// <remarks>
/// With layer sizes s_0 (features) .. s_L (output units), P = sum over l of (s_(l-1) * s_l + s_l), n training rows,
/// v validation rows, d = s_0 features and b = min(batch size, n):
/// <list type="bullet">
/// <item><see cref="DataBytes"/> = 4 * ((n + v) * (d + 1) + n): the trainer's standardised copy of every row with
/// its target, and the shuffle order.</item>
/// <item><see cref="StateBytes"/> = 4 * (P * (2 + k + r) + W + N): the weights and the gradient; k optimizer slots
/// per parameter (Adam 3: both moments and a scratch vector; momentum 1; SGD 0); r = 1 when validation rows keep a
/// copy of the best weights; W the largest weight matrix (the network's transpose buffer) and N the largest weight
/// matrix with fewer output units than a SIMD vector (the product kernel's scratch).</item>
/// <item><see cref="ActivationBytes"/> = 4 * b * (2 * (s_1 + .. + s_L) + max(s_1 .. s_L) + d + 2): activations
/// and deltas of one mini-batch per layer, the derivative scratch, the batch's inputs, targets and a ones vector.
/// Validation is evaluated in chunks of b rows, so nothing here grows with the row count.</item>
/// </list>
/// The data the caller holds (the parsed file, a held-out split, embeddings) is not included; see the caller.
/// </remarks>
/// <param name="ParameterCount">Trainable parameters (weights and biases).</param>
/// <param name="DataBytes">Rows the trainer copies.</param>
/// <param name="StateBytes">Parameters, gradient, optimizer state, best weights and weight-sized buffers.</param>
/// <param name="ActivationBytes">Per-mini-batch buffers.</param>
public sealed record TrainingFootprint(long ParameterCount, long DataBytes, long StateBytes, long ActivationBytes)
{
    private const long FloatBytes = sizeof(float);

    /// <summary>Gets the sum of the parts, in bytes.</summary>
    public long TotalBytes => Saturate((double)DataBytes + StateBytes + ActivationBytes);

    /// <summary>Estimates a run of a model with <paramref name="layerSizes"/> (input first, output last).</summary>
    /// <param name="layerSizes">Units per layer: features, hidden layers, output units (see <see cref="OutputUnits"/>).</param>
    /// <param name="trainingRows">Rows trained on.</param>
    /// <param name="validationRows">Rows evaluated after each epoch; 0 for none.</param>
    /// <param name="options">Batch size, optimizer and whether best weights are kept.</param>
    /// <exception cref="ArgumentException">Fewer than two layers, a size below 1 or a negative row count.</exception>
    public static TrainingFootprint Estimate(IReadOnlyList<int> layerSizes, long trainingRows, long validationRows, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long parameters = CountParameters(layerSizes);
        ArgumentOutOfRangeException.ThrowIfNegative(trainingRows);
        ArgumentOutOfRangeException.ThrowIfNegative(validationRows);
        double d = layerSizes[0];
        double n = trainingRows, v = validationRows;
        double b = Math.Min(options.BatchSize, Math.Max(trainingRows, 1));

        double data = ((n + v) * (d + 1) + n) * FloatBytes;

        int slots = options.Optimizer switch
        {
            OptimizerKind.Adam => 3,
            OptimizerKind.Momentum => 1,
            _ => 0,
        };
        int best = validationRows > 0 && options.RestoreBestWeights ? 1 : 0;
        double largest = 0, narrow = 0, widths = 0, widest = 0;
        for (int l = 1; l < layerSizes.Count; l++)
        {
            double weights = (double)layerSizes[l - 1] * layerSizes[l];
            largest = Math.Max(largest, weights);
            if (layerSizes[l] < System.Numerics.Vector<float>.Count)
            {
                narrow = Math.Max(narrow, weights);
            }

            widths += layerSizes[l];
            widest = Math.Max(widest, layerSizes[l]);
        }

        double state = ((double)parameters * (2 + slots + best) + largest + narrow) * FloatBytes;
        double activations = b * (2 * widths + widest + d + 2) * FloatBytes;
        return new TrainingFootprint(parameters, Saturate(data), Saturate(state), Saturate(activations));
    }

    /// <summary>Weights and biases of a fully connected model with <paramref name="layerSizes"/>, as <see cref="Models.Model.ParameterCount"/> counts them.</summary>
    /// <exception cref="ArgumentException">Fewer than two layers or a size below 1.</exception>
    public static long CountParameters(IReadOnlyList<int> layerSizes)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count < 2 || layerSizes.Any(size => size < 1))
        {
            throw new ArgumentException("A model needs an input and an output layer, all with positive sizes.", nameof(layerSizes));
        }

        double total = 0;
        for (int l = 1; l < layerSizes.Count; l++)
        {
            total += ((double)layerSizes[l - 1] + 1) * layerSizes[l];
        }

        return Saturate(total);
    }

    /// <summary>Output units of a model for the data: one for regression and for two classes (a sigmoid unit), the class count otherwise.</summary>
    public static int OutputUnits(ProblemKind kind, int classCount) =>
        kind == ProblemKind.Classification && classCount > 2 ? classCount : 1;

    private static long Saturate(double value) => value >= long.MaxValue ? long.MaxValue : (long)Math.Ceiling(value);
}
