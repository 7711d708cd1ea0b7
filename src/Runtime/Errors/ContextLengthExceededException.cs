namespace Llm.Runtime.Errors;

/// <summary>The prompt plus the requested tokens can never fit the model's context.</summary>
public sealed class ContextLengthExceededException(int promptTokens, int? maxTokens, int contextSize)
    : Exception(maxTokens is null
        ? $"This model's maximum context length is {contextSize} tokens. However, your prompt is {promptTokens} tokens, leaving no room for a completion."
        : $"This model's maximum context length is {contextSize} tokens. However, you requested {promptTokens + maxTokens} tokens ({promptTokens} in the prompt, {maxTokens} for the completion). Please reduce the prompt or the completion length.")
{
    /// <summary>Gets the number of prompt tokens.</summary>
    public int PromptTokens { get; } = promptTokens;

    /// <summary>Gets the context size.</summary>
    public int ContextSize { get; } = contextSize;
}
