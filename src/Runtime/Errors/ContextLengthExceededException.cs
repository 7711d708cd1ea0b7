namespace Llm.Runtime.Errors;

/// <summary>The prompt plus the requested tokens can never fit the model's context (or the server's prompt limit).</summary>
public sealed class ContextLengthExceededException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ContextLengthExceededException"/> class from the counts.</summary>
    /// <param name="promptTokens">Tokens of the prompt.</param>
    /// <param name="maxTokens">Tokens requested for the completion, or null.</param>
    /// <param name="contextSize">The model's context size, in tokens.</param>
    public ContextLengthExceededException(int promptTokens, int? maxTokens, int contextSize)
        : this(maxTokens is null
            ? $"This model's maximum context length is {contextSize} tokens. However, your prompt is {promptTokens} tokens, leaving no room for a completion."
            : $"This model's maximum context length is {contextSize} tokens. However, you requested {promptTokens + maxTokens} tokens ({promptTokens} in the prompt, {maxTokens} for the completion). Please reduce the prompt or the completion length.",
            promptTokens, contextSize)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContextLengthExceededException"/> class with its own message.</summary>
    /// <param name="message">What is wrong, for the client.</param>
    /// <param name="promptTokens">Tokens of the prompt (or a lower bound of them).</param>
    /// <param name="contextSize">The model's context size, in tokens.</param>
    /// <param name="index">Which of several prompts is at fault, or null.</param>
    public ContextLengthExceededException(string message, int promptTokens, int contextSize, int? index = null) : base(message)
    {
        PromptTokens = promptTokens;
        ContextSize = contextSize;
        Index = index;
    }

    /// <summary>Gets the number of prompt tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>Gets the context size.</summary>
    public int ContextSize { get; }

    /// <summary>Gets which of several prompts is at fault, from 0; null when there is one.</summary>
    public int? Index { get; }

    /// <summary>The same error, naming prompt <paramref name="promptIndex"/> of several.</summary>
    public ContextLengthExceededException At(int promptIndex) => new(Message, PromptTokens, ContextSize, promptIndex);
}
