namespace Llm.Finetune.Models;

/// <summary>Multi-layer perceptron with any number of hidden layers sharing one activation.</summary>
public sealed class Mlp : Model
{
    /// <param name="inputCount">Features per row.</param>
    /// <param name="hiddenSizes">Units of each hidden layer (at least one layer).</param>
    /// <param name="outputCount">1 for identity or sigmoid outputs, the class count for softmax.</param>
    /// <param name="output">Output activation; fixes the loss.</param>
    /// <param name="activation">Hidden-layer non-linearity.</param>
    /// <param name="seed">Seed of the weight initialisation.</param>
    public Mlp(int inputCount, IReadOnlyList<int> hiddenSizes, int outputCount, OutputActivation output,
        Activation activation = Activation.Relu, int seed = 0)
        : base(ModelKind.Mlp, Sizes(inputCount, hiddenSizes, outputCount), activation, output)
    {
        InitializeRandom(seed);
    }

    /// <summary>Classifier: one sigmoid unit for two classes, softmax otherwise.</summary>
    public static Mlp Classifier(int inputCount, IReadOnlyList<int> hiddenSizes, int classCount,
        Activation activation = Activation.Relu, int seed = 0)
    {
        if (classCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), "Classification needs at least two classes.");
        }

        return classCount == 2
            ? new Mlp(inputCount, hiddenSizes, 1, OutputActivation.Sigmoid, activation, seed)
            : new Mlp(inputCount, hiddenSizes, classCount, OutputActivation.Softmax, activation, seed);
    }

    /// <summary>Regressor with a linear output unit.</summary>
    public static Mlp Regressor(int inputCount, IReadOnlyList<int> hiddenSizes, Activation activation = Activation.Relu, int seed = 0) =>
        new(inputCount, hiddenSizes, 1, OutputActivation.Identity, activation, seed);

    private static int[] Sizes(int inputCount, IReadOnlyList<int> hiddenSizes, int outputCount)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        if (hiddenSizes.Count == 0)
        {
            throw new ArgumentException("An MLP needs at least one hidden layer.", nameof(hiddenSizes));
        }

        return [inputCount, .. hiddenSizes, outputCount];
    }
}
