namespace Llm.Runtime.Errors;

/// <summary>An input the engine cannot use, such as a token id outside the vocabulary.</summary>
/// <param name="message">What is wrong, for the client, in no protocol's terms.</param>
/// <param name="part">The part of the request at fault; each protocol maps it to its own parameter name.</param>
/// <param name="index">Which of several inputs (prompts, embedding inputs) is at fault, from 0; null when there is one.</param>
public sealed class InvalidInputException(string message, InputPart part, int? index = null) : Exception(message)
{
    /// <summary>Gets the part of the request at fault.</summary>
    public InputPart Part { get; } = part;

    /// <summary>Gets which of several inputs is at fault, or null.</summary>
    public int? Index { get; } = index;

    /// <summary>The same error, naming input <paramref name="inputIndex"/> of several.</summary>
    public InvalidInputException At(int inputIndex) => new(Message, Part, inputIndex);
}

/// <summary>The parts of a request an <see cref="InvalidInputException"/> can name.</summary>
public enum InputPart
{
    /// <summary>The prompt (a chat's conversation, a completion's prompt, an embedding's input).</summary>
    Prompt,

    /// <summary>The token biases.</summary>
    LogitBias,

    /// <summary>The model asked for.</summary>
    Model,
}
