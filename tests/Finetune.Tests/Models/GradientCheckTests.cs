using Llm.Finetune.Models;

namespace Llm.Finetune.Tests.Models;

/// <summary>
/// Compares each model's float32 analytic gradient with central differences of an independent
/// double-precision reference loss. Shapes are chosen to exercise both GEMM paths (wide and narrow
/// outputs) and an odd row count.
/// </summary>
public class GradientCheckTests
{
    public static TheoryData<string> Cases() => new(CaseNames);

    private static readonly string[] CaseNames =
    [
        "linear", "logistic-binary", "logistic-softmax", "logistic-multinomial-2",
        "mlp-relu-regression", "mlp-tanh-binary", "mlp-sigmoid-softmax", "mlp-relu-deep-softmax", "mlp-tanh-deep-regression",
    ];

    private static Model Build(string name, int inputs) => name switch
    {
        "linear" => new LinearRegression(inputs),
        "logistic-binary" => new LogisticRegression(inputs, 2),
        "logistic-softmax" => new LogisticRegression(inputs, 4),
        "logistic-multinomial-2" => new LogisticRegression(inputs, 2, multinomial: true),
        "mlp-relu-regression" => Mlp.Regressor(inputs, [16], Activation.Relu, seed: 3),
        "mlp-tanh-binary" => Mlp.Classifier(inputs, [9], 2, Activation.Tanh, seed: 4),
        "mlp-sigmoid-softmax" => Mlp.Classifier(inputs, [12], 3, Activation.Sigmoid, seed: 5),
        "mlp-relu-deep-softmax" => Mlp.Classifier(inputs, [20, 5], 3, Activation.Relu, seed: 6),
        "mlp-tanh-deep-regression" => Mlp.Regressor(inputs, [8, 17, 3], Activation.Tanh, seed: 7),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnalyticGradientMatchesFiniteDifferences(string name)
    {
        const int rows = 7, inputs = 11;
        const float l2 = 0.05f;
        var random = new Random(name.Length * 31 + 1);
        Model model = Build(name, inputs);
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            // Random weights (linear models start at zero, which would hide layout mistakes).
            parameters[i] = (float)(Synthetic.Gaussian(random) * 0.5);
        }

        float[] x = Enumerable.Range(0, rows * inputs).Select(_ => (float)Synthetic.Gaussian(random)).ToArray();
        float[] y = Enumerable.Range(0, rows).Select(r => model.Loss switch
        {
            Loss.MeanSquaredError => (float)Synthetic.Gaussian(random),
            Loss.BinaryCrossEntropy => r % 2,
            _ => r % model.OutputCount,
        }).ToArray();

        var gradient = new float[model.ParameterCount];
        float loss = model.ComputeGradient(x, y, rows, gradient, l2);

        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        double referenceLoss = ReferenceNetwork.Loss(model, p, x, y, rows, l2);
        Assert.Equal(referenceLoss, loss, referenceLoss * 1e-5 + 1e-6);
        Assert.Equal(referenceLoss, model.ComputeLoss(x, y, rows, l2), referenceLoss * 1e-5 + 1e-6);

        const double h = 1e-5;
        double errorNorm = 0, referenceNorm = 0, worst = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double saved = p[i];
            p[i] = saved + h;
            double up = ReferenceNetwork.Loss(model, p, x, y, rows, l2);
            p[i] = saved - h;
            double down = ReferenceNetwork.Loss(model, p, x, y, rows, l2);
            p[i] = saved;
            double numeric = (up - down) / (2 * h);
            double error = gradient[i] - numeric;
            errorNorm += error * error;
            referenceNorm += numeric * numeric;
            worst = Math.Max(worst, Math.Abs(error) / Math.Max(1e-2, Math.Abs(numeric)));
        }

        Assert.True(Math.Sqrt(errorNorm / referenceNorm) < 1e-4, $"{name}: relative gradient error {Math.Sqrt(errorNorm / referenceNorm):E2}");
        Assert.True(worst < 1e-3, $"{name}: worst component error {worst:E2}");
    }

    [Fact]
    public void CrossEntropyStaysFiniteForHugeLogits()
    {
        var model = new LogisticRegression(1, 3);
        model.Parameters[model.WeightOffset(1)] = 1000f;
        var gradient = new float[model.ParameterCount];
        float loss = model.ComputeGradient([5f], [1f], 1, gradient);
        Assert.True(float.IsFinite(loss) && loss > 4000f, $"loss {loss}");
        Assert.All(gradient.ToArray(), g => Assert.True(float.IsFinite(g)));

        var binary = new LogisticRegression(1, 2);
        binary.Parameters[0] = -500f;
        float binaryLoss = binary.ComputeGradient([2f], [1f], 1, new float[binary.ParameterCount]);
        Assert.Equal(1000f, binaryLoss, 1e-2f);
    }
}
