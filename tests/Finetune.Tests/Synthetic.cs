using Llm.Finetune.Data;

namespace Llm.Finetune.Tests;

/// <summary>Deterministic synthetic datasets for the tests (no downloads).</summary>
internal static class Synthetic
{
    public static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

    /// <summary>Isotropic Gaussian blobs around random centres; <paramref name="spread"/> controls overlap.</summary>
    public static Dataset Blobs(int rows, int features, int classes, int seed, double spread = 0.5, double centreScale = 3.0)
    {
        var random = new Random(seed);
        var centres = new double[classes, features];
        for (int c = 0; c < classes; c++)
        {
            for (int j = 0; j < features; j++)
            {
                centres[c, j] = (random.NextDouble() * 2 - 1) * centreScale;
            }
        }

        var x = new float[rows * features];
        var y = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            int c = i % classes;
            y[i] = c;
            for (int j = 0; j < features; j++)
            {
                x[i * features + j] = (float)(centres[c, j] + spread * Gaussian(random) + 10.0);
            }
        }

        string[] names = Enumerable.Range(0, classes).Select(c => $"class{c}").ToArray();
        return Dataset.ForClassification(x, features, y, names);
    }

    public static Dataset Xor()
    {
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        return Dataset.ForClassification(x, 2, [0, 1, 1, 0], ["even", "odd"]);
    }

    /// <summary>y = x . w + b + noise with standard normal features (a well-conditioned problem).</summary>
    public static (Dataset Data, double[] Weights, double Bias) Linear(int rows, int features, int seed, double noise = 0.1)
    {
        var random = new Random(seed);
        double[] w = Enumerable.Range(0, features).Select(_ => Gaussian(random) * 2).ToArray();
        double b = 0.7;
        var x = new float[rows * features];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            double sum = b;
            for (int j = 0; j < features; j++)
            {
                float v = (float)Gaussian(random);
                x[i * features + j] = v;
                sum += v * w[j];
            }

            y[i] = (float)(sum + noise * Gaussian(random));
        }

        return (Dataset.ForRegression(x, features, y), w, b);
    }

    public static double Accuracy(Llm.Finetune.Adapters.Adapter adapter, Dataset data)
    {
        var predictions = adapter.PredictBatch(data.Features, data.Count);
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            correct += predictions[i].Label == data.LabelNames[data.Labels[i]] ? 1 : 0;
        }

        return (double)correct / data.Count;
    }
}
