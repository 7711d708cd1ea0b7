using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>One message of a chat request.</summary>
public sealed record ChatMessageDto
{
    public string? Role { get; init; }

    [JsonConverter(typeof(MessageContentConverter))]
    public MessageContent? Content { get; init; }

    public string? Name { get; init; }
    public string? Refusal { get; init; }
    public IReadOnlyList<ToolCallDto>? ToolCalls { get; init; }
    public string? ToolCallId { get; init; }

    // vLLM's and llama-server's field for an assistant turn's thinking, given back to the template.
    public string? ReasoningContent { get; init; }
}

/// <summary>A tool call made by the assistant in an earlier turn.</summary>
public sealed record ToolCallDto
{
    public string? Id { get; init; }
    public string? Type { get; init; }
    public FunctionCallDto? Function { get; init; }
}

/// <summary>The function of a tool call.</summary>
public sealed record FunctionCallDto
{
    public string? Name { get; init; }
    public string? Arguments { get; init; }
}
