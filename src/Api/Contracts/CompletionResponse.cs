using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>A legacy text completion, and also each of its streamed chunks (same object, OpenAI's choice).</summary>
public sealed record CompletionResponse(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<CompletionChoice> Choices,
    Usage? Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object => "text_completion";
    public string? SystemFingerprint => null;
}

/// <summary>One choice of a text completion; <see cref="FinishReason"/> is null in chunks before the last.</summary>
public sealed record CompletionChoice(string Text, int Index, CompletionLogprobs? Logprobs, string? FinishReason);
