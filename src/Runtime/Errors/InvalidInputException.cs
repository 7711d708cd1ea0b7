namespace Llm.Runtime.Errors;

/// <summary>An input the engine cannot use, such as a token id outside the vocabulary.</summary>
/// <param name="message">What is wrong, for the client.</param>
/// <param name="parameter">The request parameter at fault, if known.</param>
public sealed class InvalidInputException(string message, string? parameter) : Exception(message)
{
    /// <summary>Gets the request parameter at fault.</summary>
    public string? Parameter { get; } = parameter;
}
