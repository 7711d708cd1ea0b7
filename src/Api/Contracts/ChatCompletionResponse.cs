using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>A non-streamed chat completion.</summary>
public sealed record ChatCompletionResponse(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<ChatChoice> Choices,
    Usage Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object => "chat.completion";
    public string? SystemFingerprint => null;
}

/// <summary>One choice of a chat completion.</summary>
public sealed record ChatChoice(int Index, AssistantMessage Message, ChatLogprobs? Logprobs, string FinishReason);

/// <summary>The assistant's reply: text, tool calls, or both, and its thinking apart (vLLM's and llama-server's <c>reasoning_content</c>).</summary>
public sealed record AssistantMessage(
    string? Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ToolCallOut>? ToolCalls = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReasoningContent = null)
{
    public string Role => "assistant";
    public string? Refusal => null;
    public IReadOnlyList<string> Annotations => [];
}
