using Llm.Finetune.Models;

namespace Llm.Finetune.Tests.Models;

/// <summary>
/// Independent double-precision implementation of a model's loss, written from the documented
/// parameter layout, used as the ground truth for finite-difference gradient checks.
/// </summary>
internal static class ReferenceNetwork
{
    public static double Loss(Model model, double[] parameters, float[] inputs, float[] targets, int rows, double l2)
    {
        IReadOnlyList<int> sizes = model.LayerSizes;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            double[] activation = inputs.Skip(r * sizes[0]).Take(sizes[0]).Select(v => (double)v).ToArray();
            for (int l = 1; l < sizes.Count; l++)
            {
                int w = model.WeightOffset(l), b = model.BiasOffset(l);
                var z = new double[sizes[l]];
                for (int o = 0; o < sizes[l]; o++)
                {
                    double sum = parameters[b + o];
                    for (int i = 0; i < sizes[l - 1]; i++)
                    {
                        sum += activation[i] * parameters[w + i * sizes[l] + o];
                    }

                    z[o] = l < sizes.Count - 1 ? Hidden(model.HiddenActivation, sum) : sum;
                }

                activation = z;
            }

            total += RowLoss(model.Loss, activation, targets[r]);
        }

        double squares = 0;
        for (int l = 1; l < sizes.Count; l++)
        {
            for (int i = 0; i < sizes[l - 1] * sizes[l]; i++)
            {
                double v = parameters[model.WeightOffset(l) + i];
                squares += v * v;
            }
        }

        return total / rows + 0.5 * l2 * squares;
    }

    private static double Hidden(Activation activation, double x) => activation switch
    {
        Activation.Relu => Math.Max(0, x),
        Activation.Tanh => Math.Tanh(x),
        _ => 1 / (1 + Math.Exp(-x)),
    };

    private static double RowLoss(Loss loss, double[] z, float target)
    {
        switch (loss)
        {
            case Llm.Finetune.Models.Loss.MeanSquaredError:
                return (z[0] - target) * (z[0] - target);
            case Llm.Finetune.Models.Loss.BinaryCrossEntropy:
                double p = 1 / (1 + Math.Exp(-z[0]));
                return -(target * Math.Log(p) + (1 - target) * Math.Log(1 - p));
            default:
                double sum = z.Sum(Math.Exp);
                return -Math.Log(Math.Exp(z[(int)target]) / sum);
        }
    }
}
