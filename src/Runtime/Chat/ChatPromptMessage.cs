namespace Llm.Runtime.Chat;

/// <summary>One turn of a conversation as chat templates see it.</summary>
/// <param name="Role">system, developer, user, assistant or tool.</param>
/// <param name="Content">The text of the turn (content parts already joined); null for an assistant turn that only calls tools.</param>
public sealed record ChatPromptMessage(string Role, string? Content)
{
    /// <summary>Gets the author's name, when the client gave one.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the tool calls an assistant turn made.</summary>
    public IReadOnlyList<ChatPromptToolCall>? ToolCalls { get; init; }

    /// <summary>Gets the call a tool turn answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>
    /// Gets an assistant turn's reasoning (its thinking, apart from the answer), which templates of reasoning models
    /// read as <c>message.reasoning_content</c> (Qwen3 prints it inside <c>&lt;think&gt;</c> for the latest turns).
    /// </summary>
    public string? ReasoningContent { get; init; }
}

/// <summary>A tool call in an earlier assistant turn.</summary>
/// <param name="Id">The call id.</param>
/// <param name="Name">The function name.</param>
/// <param name="Arguments">The arguments as the JSON text OpenAI clients send.</param>
public sealed record ChatPromptToolCall(string Id, string Name, string Arguments);
