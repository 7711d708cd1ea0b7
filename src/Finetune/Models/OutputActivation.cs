namespace Llm.Finetune.Models;

/// <summary>
/// How the final layer's logits become predictions; it also fixes the loss:
/// identity pairs with mean squared error, sigmoid with binary and softmax with categorical cross-entropy.
/// </summary>
public enum OutputActivation
{
    Identity,
    Sigmoid,
    Softmax,
}
