using Llm.Finetune.Compute;

namespace Llm.Finetune.Models;

/// <summary>
/// A trainable fully connected model. Parameters are one flat array laid out layer by layer as
/// W (inputs x outputs, row-major: W[i, o] connects input i to output o) followed by the bias
/// (outputs). Instances reuse internal work buffers, so one instance must not be used from
/// several threads at once.
/// </summary>
public abstract class Model
{
    private readonly DenseNetwork _network;
    private readonly int[] _sizes;

    private protected Model(ModelKind kind, int[] layerSizes, Activation hiddenActivation, OutputActivation output)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Length < 2 || layerSizes.Any(size => size <= 0))
        {
            throw new ArgumentException("A model needs an input and an output layer, all with positive sizes.", nameof(layerSizes));
        }

        if (output == OutputActivation.Softmax && layerSizes[^1] < 2)
        {
            throw new ArgumentException("A softmax output needs at least two classes.", nameof(layerSizes));
        }

        if (output != OutputActivation.Softmax && layerSizes[^1] != 1)
        {
            throw new ArgumentException($"A {output} output has exactly one unit.", nameof(layerSizes));
        }

        Kind = kind;
        _sizes = (int[])layerSizes.Clone();
        HiddenActivation = hiddenActivation;
        Output = output;
        Loss = output switch
        {
            OutputActivation.Identity => Loss.MeanSquaredError,
            OutputActivation.Sigmoid => Loss.BinaryCrossEntropy,
            _ => Loss.CategoricalCrossEntropy,
        };
        _network = new DenseNetwork(_sizes, hiddenActivation, Loss);
    }

    public ModelKind Kind { get; }

    /// <summary>Units per layer, input first and output last.</summary>
    public IReadOnlyList<int> LayerSizes => _sizes;

    public int InputCount => _sizes[0];

    public int OutputCount => _sizes[^1];

    public Activation HiddenActivation { get; }

    public OutputActivation Output { get; }

    public Loss Loss { get; }

    public int ParameterCount => _network.Parameters.Length;

    /// <summary>The live parameter array (see the class remarks for the layout).</summary>
    public Span<float> Parameters => _network.Parameters;

    /// <summary>Offset in <see cref="Parameters"/> of layer <paramref name="layer"/>'s weights (layers count from 1).</summary>
    public int WeightOffset(int layer) => _network.WeightOffset(CheckLayer(layer));

    /// <summary>Offset in <see cref="Parameters"/> of layer <paramref name="layer"/>'s bias (layers count from 1).</summary>
    public int BiasOffset(int layer) => _network.BiasOffset(CheckLayer(layer));

    private int CheckLayer(int layer) =>
        layer >= 1 && layer < _sizes.Length ? layer : throw new ArgumentOutOfRangeException(nameof(layer));

    /// <summary>
    /// Writes one output row per input row: the value for regression, P(class 1) for a sigmoid
    /// output, the class probabilities for softmax.
    /// </summary>
    public void Predict(ReadOnlySpan<float> inputs, int rows, Span<float> outputs)
    {
        CheckShapes(inputs, rows, rows);
        if (outputs.Length < rows * OutputCount)
        {
            throw new ArgumentException($"Output buffer needs {rows * OutputCount} values.", nameof(outputs));
        }

        _network.Predict(inputs, rows, outputs, Output);
    }

    /// <summary>Mean loss over the rows plus (l2 / 2) * sum of squared weights. Targets: see <see cref="Models.Loss"/>.</summary>
    public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, float l2 = 0f)
    {
        CheckShapes(inputs, rows, targets.Length);
        double data = _network.Evaluate(inputs, targets, rows, default, 0f, out _);
        return (float)(data / rows + 0.5 * l2 * _network.SquaredWeightNorm());
    }

    /// <summary>Writes the gradient of <see cref="ComputeLoss"/> into <paramref name="gradient"/> and returns the loss.</summary>
    public float ComputeGradient(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, Span<float> gradient, float l2 = 0f)
    {
        CheckShapes(inputs, rows, targets.Length);
        if (gradient.Length != ParameterCount)
        {
            throw new ArgumentException($"Gradient buffer needs {ParameterCount} values.", nameof(gradient));
        }

        double data = _network.Evaluate(inputs, targets, rows, gradient, l2, out _);
        return (float)(data / rows + 0.5 * l2 * _network.SquaredWeightNorm());
    }

    /// <summary>Hot-loop entry for the trainer: summed data loss and correct-prediction count, no argument copies.</summary>
    internal double Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, Span<float> gradient, float l2, out int correct) =>
        _network.Evaluate(inputs, targets, rows, gradient, l2, out correct);

    private void CheckShapes(ReadOnlySpan<float> inputs, int rows, int targetCount)
    {
        if (rows <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), "At least one row is required.");
        }

        if (inputs.Length < rows * InputCount)
        {
            throw new ArgumentException($"Expected {rows} rows of {InputCount} features.", nameof(inputs));
        }

        if (targetCount < rows)
        {
            throw new ArgumentException($"Expected {rows} targets.", nameof(targetCount));
        }
    }

    /// <summary>Fills each layer's weights uniformly in +-sqrt(6 / fan) (He fan-in for ReLU, Glorot otherwise); biases start at zero.</summary>
    private protected void InitializeRandom(int seed)
    {
        var random = new SeededRandom(seed);
        Span<float> parameters = Parameters;
        parameters.Clear();
        for (int l = 1; l < _sizes.Length; l++)
        {
            int fan = HiddenActivation == Activation.Relu && l < _sizes.Length - 1 ? _sizes[l - 1] : _sizes[l - 1] + _sizes[l];
            double limit = Math.Sqrt(6.0 / fan);
            Span<float> weights = parameters.Slice(WeightOffset(l), _sizes[l - 1] * _sizes[l]);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)((random.NextDouble() * 2.0 - 1.0) * limit);
            }
        }
    }

    /// <summary>Rebuilds an empty model of the given architecture (used when loading adapters).</summary>
    internal static Model Create(ModelKind kind, int[] layerSizes, Activation hiddenActivation, OutputActivation output) => kind switch
    {
        ModelKind.LinearRegression when layerSizes.Length == 2 && output == OutputActivation.Identity => new LinearRegression(layerSizes[0]),
        ModelKind.LogisticRegression when layerSizes.Length == 2 && output != OutputActivation.Identity =>
            new LogisticRegression(layerSizes[0], output == OutputActivation.Sigmoid ? 2 : layerSizes[1], output == OutputActivation.Softmax),
        ModelKind.Mlp when layerSizes.Length >= 3 =>
            new Mlp(layerSizes[0], layerSizes[1..^1], layerSizes[^1], output, hiddenActivation),
        _ => throw new ArgumentException($"{kind} cannot have layers [{string.Join(", ", layerSizes)}] with a {output} output."),
    };
}
