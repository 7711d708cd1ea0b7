using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>One server-sent event of a streamed chat completion.</summary>
public sealed record ChatCompletionChunk(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<ChatChunkChoice> Choices,
    Usage? Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object => "chat.completion.chunk";
    public string? SystemFingerprint => null;
}

/// <summary>A choice's delta in one chunk; <see cref="FinishReason"/> stays null until its last chunk.</summary>
public sealed record ChatChunkChoice(int Index, ChatDelta Delta, ChatLogprobs? Logprobs, string? FinishReason);

/// <summary>What a chunk adds to the message; absent fields are left out (the finish chunk's delta is <c>{}</c>).</summary>
public sealed record ChatDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ToolCallDelta>? ToolCalls = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReasoningContent = null);
