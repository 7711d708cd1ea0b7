using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>The body of <c>POST /v1/embeddings</c>.</summary>
public sealed record EmbeddingsRequest
{
    public string? Model { get; init; }

    [JsonConverter(typeof(PromptInputConverter))]
    public PromptInput? Input { get; init; }

    public string? EncodingFormat { get; init; }
    public int? Dimensions { get; init; }
    public string? User { get; init; }
}
