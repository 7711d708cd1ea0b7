using Llm.Finetune.Models;
using Llm.Finetune.Optimization;
using Llm.Finetune.Training;

namespace Llm.Finetune.Tests.Training;

public class LinearRegressionTrainingTests
{
    /// <summary>Least squares with intercept via the normal equations, solved by Gaussian elimination in double.</summary>
    private static double[] ClosedForm(Llm.Finetune.Data.Dataset data)
    {
        int d = data.FeatureCount + 1;
        var a = new double[d, d + 1];
        for (int r = 0; r < data.Count; r++)
        {
            ReadOnlySpan<float> row = data.Row(r);
            double[] x = [.. row.ToArray().Select(v => (double)v), 1.0];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    a[i, j] += x[i] * x[j];
                }

                a[i, d] += x[i] * data.Targets[r];
            }
        }

        for (int col = 0; col < d; col++)
        {
            int pivot = Enumerable.Range(col, d - col).MaxBy(r => Math.Abs(a[r, col]));
            for (int j = 0; j <= d; j++)
            {
                (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            }

            for (int r = 0; r < d; r++)
            {
                if (r != col)
                {
                    double f = a[r, col] / a[col, col];
                    for (int j = col; j <= d; j++)
                    {
                        a[r, j] -= f * a[col, j];
                    }
                }
            }
        }

        return Enumerable.Range(0, d).Select(i => a[i, d] / a[i, i]).ToArray();
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, 0.2f)]
    [InlineData(OptimizerKind.Momentum, 0.05f)]
    public void GradientDescentMatchesNormalEquations(OptimizerKind optimizer, float learningRate)
    {
        var (data, _, _) = Synthetic.Linear(rows: 400, features: 6, seed: 11);
        double[] expected = ClosedForm(data);
        var model = new LinearRegression(6);
        var options = new TrainingOptions
        {
            Epochs = 1500, BatchSize = data.Count, Optimizer = optimizer, LearningRate = learningRate, Standardize = false,
        };

        new Trainer(options).Train(model, data);

        float[] p = model.Parameters.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            double relative = Math.Abs(p[i] - expected[i]) / Math.Abs(expected[i]);
            Assert.True(relative < 1e-4, $"coefficient {i}: {p[i]} vs closed form {expected[i]} (relative error {relative:E2})");
        }
    }

    [Fact]
    public void StandardisedTrainingPredictsLikeClosedForm()
    {
        var (raw, _, _) = Synthetic.Linear(rows: 300, features: 4, seed: 5);
        // Shift and stretch the features so standardisation has real work to do.
        float[] shifted = raw.Features.ToArray().Select((v, i) => v * (1 + i % 4) * 10 + 100).ToArray();
        var data = raw.WithFeatures(shifted);
        double[] w = ClosedForm(data);
        var model = new LinearRegression(4);
        var options = new TrainingOptions { Epochs = 600, BatchSize = 300, Optimizer = OptimizerKind.Sgd, LearningRate = 0.2f };
        TrainingResult result = new Trainer(options).Train(model, data);
        var adapter = new Llm.Finetune.Adapters.Adapter(model, result.Standardizer, [], new Llm.Finetune.Adapters.AdapterMetadata());

        for (int r = 0; r < 20; r++)
        {
            double expected = w[^1] + data.Row(r).ToArray().Select((v, j) => v * w[j]).Sum();
            float? actual = adapter.Predict(data.Row(r)).Value;
            Assert.Equal(expected, actual!.Value, Math.Abs(expected) * 1e-4 + 1e-4);
        }
    }
}
