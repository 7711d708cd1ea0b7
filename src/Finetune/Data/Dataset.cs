namespace Llm.Finetune.Data;

/// <summary>Numeric rows stored row-major in one array (row i occupies [i * FeatureCount, (i + 1) * FeatureCount)).</summary>
public sealed class Dataset : LabeledDataset
{
    private readonly float[] _features;

    private Dataset(ProblemKind kind, float[] features, int featureCount, int[]? labels, float[]? targets, IReadOnlyList<string>? labelNames)
        : base(kind, RowCount(features, featureCount), labels, targets, labelNames)
    {
        if (Array.FindIndex(features, f => !float.IsFinite(f)) is var bad and >= 0)
        {
            throw new ArgumentException($"Feature {bad % featureCount} of row {bad / featureCount} is not a finite number.", nameof(features));
        }

        _features = features;
        FeatureCount = featureCount;
    }

    public static Dataset ForClassification(float[] features, int featureCount, int[] labels, IReadOnlyList<string> labelNames) =>
        new(ProblemKind.Classification, features, featureCount, labels, null, labelNames);

    public static Dataset ForRegression(float[] features, int featureCount, float[] targets) =>
        new(ProblemKind.Regression, features, featureCount, null, targets, null);

    public int FeatureCount { get; }

    public ReadOnlySpan<float> Features => _features;

    public ReadOnlySpan<float> Row(int index) => _features.AsSpan(index * FeatureCount, FeatureCount);

    /// <summary>A new dataset with the given rows, in the given order.</summary>
    public Dataset Subset(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var features = new float[rows.Count * FeatureCount];
        for (int i = 0; i < rows.Count; i++)
        {
            Row(rows[i]).CopyTo(features.AsSpan(i * FeatureCount, FeatureCount));
        }

        return new Dataset(Kind, features, FeatureCount, SelectLabels(rows), SelectTargets(rows), LabelNames);
    }

    /// <summary>Same labels and targets with different features (for example standardised ones).</summary>
    public Dataset WithFeatures(float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != _features.Length)
        {
            throw new ArgumentException($"Expected {_features.Length} feature values.", nameof(features));
        }

        return new Dataset(Kind, features, FeatureCount, Labels.ToArray(), Targets.ToArray(), LabelNames);
    }

    internal override LabeledDataset SubsetOf(IReadOnlyList<int> rows) => Subset(rows);

    private static int RowCount(float[] features, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (featureCount <= 0 || features.Length % featureCount != 0)
        {
            throw new ArgumentException("Feature array length must be a multiple of a positive feature count.", nameof(featureCount));
        }

        return features.Length / featureCount;
    }
}
