namespace Llm.Finetune.Models;

/// <summary>Ordinary least squares fitted by gradient descent on the mean squared error. Starts from zero weights.</summary>
public sealed class LinearRegression : Model
{
    public LinearRegression(int inputCount)
        : base(ModelKind.LinearRegression, [inputCount, 1], Activation.Relu, OutputActivation.Identity)
    {
    }
}
