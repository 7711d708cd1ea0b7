using System.Globalization;
using System.IO.Compression;
using Llm.Finetune.Data;

namespace Llm.Bench.Finetune;

/// <summary>Loads scikit-learn's bundled datasets (Debian's python3-sklearn) and makes the synthetic one.</summary>
public static class BenchData
{
    public const string SklearnData = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

    /// <summary>569 x 30; the first line is "569,30,malignant,benign", each row 30 features then the class (0 or 1).</summary>
    public static Dataset BreastCancer(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, "breast_cancer.csv"));
        var names = lines[0].Split(',')[2..];
        return Parse(lines.Skip(1), 30, names, scale: 1f);
    }

    /// <summary>1,797 x 64 pixels (0-16, divided by 16 as in the reference) then the digit.</summary>
    public static Dataset Digits(string folder)
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(folder, "digits.csv.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) if (line.Length > 0) lines.Add(line);
        return Parse(lines, 64, Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray(), scale: 1f / 16);
    }

    /// <summary>Gaussian clusters: each class has a random centre in <paramref name="features"/> dimensions, rows add unit noise.</summary>
    public static Dataset Synthetic(int rows, int features, int classes, int seed)
    {
        var random = new Random(seed);
        var centres = new float[classes * features];
        for (var i = 0; i < centres.Length; i++) centres[i] = (float)(random.NextDouble() * 2 - 1);
        var x = new float[rows * features];
        var y = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            y[r] = r % classes;
            for (var f = 0; f < features; f++)
            {
                // Box-Muller: unit Gaussian noise around the class centre.
                var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                x[r * features + f] = centres[y[r] * features + f] + (float)noise;
            }
        }
        return Dataset.ForClassification(x, features, y, Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray());
    }

    private static Dataset Parse(IEnumerable<string> lines, int features, IReadOnlyList<string> names, float scale)
    {
        var x = new List<float>();
        var y = new List<int>();
        foreach (var line in lines)
        {
            var fields = line.Split(',');
            for (var f = 0; f < features; f++) x.Add(float.Parse(fields[f], CultureInfo.InvariantCulture) * scale);
            y.Add((int)double.Parse(fields[features], CultureInfo.InvariantCulture));
        }
        return Dataset.ForClassification([.. x], features, [.. y], names);
    }
}
