namespace Llm.Runtime.Chat.Pipeline;

/// <summary>How a chat request asks for the model's thinking and whether it is separated from the answer.</summary>
/// <param name="Separate">True: thinking is reported as reasoning, apart from the answer; false: it stays in the text.</param>
/// <param name="Effort">The requested effort (none, minimal, low, medium, high, xhigh), or null for the template's default.</param>
/// <param name="MaxTokens">The most tokens the thinking may take before it is closed, or null for no budget.</param>
public sealed record ChatReasoningOptions(bool Separate = true, string? Effort = null, int? MaxTokens = null)
{
    /// <summary>Gets the default: separated, the template's default effort, no budget.</summary>
    public static ChatReasoningOptions Default { get; } = new();
}
