namespace Llm.Finetune.Models;

/// <summary>
/// Linear classifier: a single sigmoid unit for two classes, or multinomial softmax for more
/// (or for two when <c>multinomial</c> is set). Starts from zero weights, so training is convex and deterministic.
/// </summary>
public sealed class LogisticRegression : Model
{
    public LogisticRegression(int inputCount, int classCount, bool multinomial = false)
        : base(ModelKind.LogisticRegression,
            [inputCount, UsesSoftmax(classCount, multinomial) ? classCount : 1],
            Activation.Relu,
            UsesSoftmax(classCount, multinomial) ? OutputActivation.Softmax : OutputActivation.Sigmoid)
    {
    }

    private static bool UsesSoftmax(int classCount, bool multinomial) => classCount switch
    {
        < 2 => throw new ArgumentOutOfRangeException(nameof(classCount), "Classification needs at least two classes."),
        2 => multinomial,
        _ => true,
    };
}
