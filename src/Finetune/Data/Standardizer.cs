using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Llm.Finetune.Data;

/// <summary>
/// Per-feature z-scoring, x' = (x - mean) / scale, fitted on the training rows only so validation
/// and inference see exactly the transform the model was trained with. Constant features get scale 1.
/// </summary>
public sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _scale;
    private readonly float[] _inverseScale;

    public Standardizer(float[] mean, float[] scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Length == 0 || mean.Length != scale.Length)
        {
            throw new ArgumentException("Mean and scale must be non-empty and of equal length.", nameof(scale));
        }

        if (mean.Any(m => !float.IsFinite(m)) || scale.Any(s => !float.IsFinite(s) || s <= 0f))
        {
            throw new ArgumentException("Means must be finite and scales finite and positive.", nameof(scale));
        }

        _mean = (float[])mean.Clone();
        _scale = (float[])scale.Clone();
        _inverseScale = new float[scale.Length];
        TensorPrimitives.Divide(1f, _scale, _inverseScale);
    }

    public int FeatureCount => _mean.Length;

    public IReadOnlyList<float> Mean => _mean;

    public IReadOnlyList<float> Scale => _scale;

    public static Standardizer Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Features, data.FeatureCount);
    }

    /// <summary>Two-pass mean and population standard deviation, accumulated in double.</summary>
    public static Standardizer Fit(ReadOnlySpan<float> features, int featureCount)
    {
        if (featureCount <= 0 || features.Length == 0 || features.Length % featureCount != 0)
        {
            throw new ArgumentException("Features must be a non-empty whole number of rows.", nameof(features));
        }

        int rows = features.Length / featureCount;
        var sum = new double[featureCount];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = features.Slice(r * featureCount, featureCount);
            for (int c = 0; c < featureCount; c++)
            {
                sum[c] += row[c];
            }
        }

        var mean = new float[featureCount];
        for (int c = 0; c < featureCount; c++)
        {
            sum[c] /= rows;
            mean[c] = (float)sum[c];
        }

        var squares = new double[featureCount];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = features.Slice(r * featureCount, featureCount);
            for (int c = 0; c < featureCount; c++)
            {
                double d = row[c] - sum[c];
                squares[c] += d * d;
            }
        }

        var scale = new float[featureCount];
        for (int c = 0; c < featureCount; c++)
        {
            double std = Math.Sqrt(squares[c] / rows);
            scale[c] = std > 1e-12 * Math.Max(1.0, Math.Abs(sum[c])) ? (float)std : 1f;
        }

        return new Standardizer(mean, scale);
    }

    /// <summary>Standardises whole rows in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Transform(Span<float> rows)
    {
        int d = FeatureCount;
        if (rows.Length % d != 0)
        {
            throw new ArgumentException($"Length must be a multiple of {d}.", nameof(rows));
        }

        // A plain vector loop rather than two library calls per row: this runs once over the whole
        // dataset, before tiered compilation has optimised anything it calls.
        ReadOnlySpan<float> mean = _mean, inverse = _inverseScale;
        int w = Vector<float>.Count;
        for (int start = 0; start < rows.Length; start += d)
        {
            Span<float> row = rows.Slice(start, d);
            int j = 0;
            for (; j + w <= d; j += w)
            {
                ((new Vector<float>(row.Slice(j)) - new Vector<float>(mean.Slice(j))) * new Vector<float>(inverse.Slice(j))).CopyTo(row.Slice(j));
            }

            for (; j < d; j++)
            {
                row[j] = (row[j] - mean[j]) * inverse[j];
            }
        }
    }

    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != FeatureCount)
        {
            throw new ArgumentException($"Expected {FeatureCount} features, the dataset has {data.FeatureCount}.", nameof(data));
        }

        float[] features = data.Features.ToArray();
        Transform(features);
        return data.WithFeatures(features);
    }
}
