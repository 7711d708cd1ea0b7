namespace Llm.Finetune.Models;

/// <summary>Non-linearity applied after each hidden layer of an <see cref="Mlp"/>.</summary>
public enum Activation
{
    Relu,
    Tanh,
    Sigmoid,
}
