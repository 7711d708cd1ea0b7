using Llm.Finetune.Data;
using Llm.Finetune.Models;

namespace Llm.Finetune.Adapters;

/// <summary>
/// A trained model together with everything needed to use it: the standardisation fitted on its
/// training rows, its label names and how it was trained. Predictions are serialised internally,
/// so one instance can be shared between threads.
/// </summary>
public sealed class Adapter
{
    private readonly string[] _labels;
    private readonly Lock _gate = new();
    private float[] _input = [];
    private float[] _output = [];

    public Adapter(Model model, Standardizer? standardizer, IReadOnlyList<string> labelNames, AdapterMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(labelNames);
        ArgumentNullException.ThrowIfNull(metadata);
        int classes = model.Output switch
        {
            OutputActivation.Identity => 0,
            OutputActivation.Sigmoid => 2,
            _ => model.OutputCount,
        };
        if (labelNames.Count != classes)
        {
            throw new ArgumentException($"The model has {classes} classes but {labelNames.Count} label names were given.", nameof(labelNames));
        }

        if (labelNames.Any(string.IsNullOrEmpty) || labelNames.Distinct(StringComparer.Ordinal).Count() != labelNames.Count)
        {
            throw new ArgumentException("Label names must be distinct and non-empty.", nameof(labelNames));
        }

        if (standardizer is not null && standardizer.FeatureCount != model.InputCount)
        {
            throw new ArgumentException($"The standardizer has {standardizer.FeatureCount} features; the model takes {model.InputCount}.", nameof(standardizer));
        }

        Model = model;
        Standardizer = standardizer;
        _labels = [.. labelNames];
        Metadata = metadata;
    }

    public Model Model { get; }

    public Standardizer? Standardizer { get; }

    public IReadOnlyList<string> LabelNames => _labels;

    public AdapterMetadata Metadata { get; }

    public ProblemKind Kind => _labels.Length == 0 ? ProblemKind.Regression : ProblemKind.Classification;

    public int FeatureCount => Model.InputCount;

    /// <summary>Adapter file format version this library writes and reads.</summary>
    public static int FormatVersion => AdapterFile.Version;

    /// <summary>Writes the adapter atomically (see ADAPTER-FORMAT.md).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        lock (_gate)
        {
            AdapterFile.Write(this, path);
        }
    }

    /// <summary>Reads and fully validates an adapter; throws <see cref="AdapterFormatException"/> for a bad file.</summary>
    public static Adapter Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return AdapterFile.Read(path);
    }

    /// <summary>Throws <see cref="AdapterMismatchException"/> when the adapter was trained for another base model or input width.</summary>
    public void EnsureCompatible(string? baseModelId = null, int? featureCount = null)
    {
        if (baseModelId is not null && !string.Equals(baseModelId, Metadata.BaseModelId, StringComparison.Ordinal))
        {
            throw new AdapterMismatchException(
                $"The adapter was trained on embeddings of '{Metadata.BaseModelId ?? "(numeric features)"}', not '{baseModelId}'.");
        }

        if (featureCount is int count && count != FeatureCount)
        {
            throw new AdapterMismatchException($"The adapter takes {FeatureCount} features, not {count}.");
        }
    }

    public Prediction Predict(ReadOnlySpan<float> features) => PredictBatch(features, 1)[0];

    /// <summary>Predicts <paramref name="rows"/> rows stored row-major in <paramref name="features"/> (raw, not standardised).</summary>
    public Prediction[] PredictBatch(ReadOnlySpan<float> features, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        if (features.Length != rows * FeatureCount)
        {
            throw new AdapterMismatchException($"Expected {rows} rows of {FeatureCount} features ({rows * FeatureCount} values), got {features.Length} values.");
        }

        lock (_gate)
        {
            if (_input.Length < features.Length)
            {
                _input = new float[features.Length];
                _output = new float[rows * Model.OutputCount];
            }

            Span<float> input = _input.AsSpan(0, features.Length);
            features.CopyTo(input);
            Standardizer?.Transform(input);
            Span<float> output = _output.AsSpan(0, rows * Model.OutputCount);
            Model.Predict(input, rows, output);
            var predictions = new Prediction[rows];
            for (int r = 0; r < rows; r++)
            {
                predictions[r] = ToPrediction(output.Slice(r * Model.OutputCount, Model.OutputCount));
            }

            return predictions;
        }
    }

    /// <summary>Embeds the texts with the caller's embedding function (the base model), then predicts.</summary>
    public async Task<Prediction[]> PredictTextAsync(IReadOnlyList<string> texts,
        Func<IReadOnlyList<string>, CancellationToken, Task<float[][]>> embed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(embed);
        if (texts.Count == 0)
        {
            return [];
        }

        float[][] vectors = await embed(texts, cancellationToken).ConfigureAwait(false);
        if (vectors is null || vectors.Length != texts.Count)
        {
            throw new InvalidOperationException($"The embedding function returned {vectors?.Length ?? 0} vectors for {texts.Count} texts.");
        }

        var features = new float[texts.Count * FeatureCount];
        for (int i = 0; i < vectors.Length; i++)
        {
            if (vectors[i] is not { } vector || vector.Length != FeatureCount)
            {
                throw new AdapterMismatchException($"Embedding {i} has {vectors[i]?.Length ?? 0} values; the adapter takes {FeatureCount}.");
            }

            vector.CopyTo(features, i * FeatureCount);
        }

        return PredictBatch(features, texts.Count);
    }

    private Prediction ToPrediction(ReadOnlySpan<float> output)
    {
        switch (Model.Output)
        {
            case OutputActivation.Identity:
                return new Prediction(null, [], output[0]);
            case OutputActivation.Sigmoid:
                float p = output[0];
                return new Prediction(p >= 0.5f ? _labels[1] : _labels[0],
                    [new LabelProbability(_labels[0], 1f - p), new LabelProbability(_labels[1], p)], null);
            default:
                var probabilities = new LabelProbability[_labels.Length];
                int best = 0;
                for (int i = 0; i < probabilities.Length; i++)
                {
                    probabilities[i] = new LabelProbability(_labels[i], output[i]);
                    best = output[i] > output[best] ? i : best;
                }

                return new Prediction(_labels[best], probabilities, null);
        }
    }
}
