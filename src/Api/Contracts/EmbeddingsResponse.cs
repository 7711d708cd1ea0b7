using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>The answer of <c>POST /v1/embeddings</c>.</summary>
public sealed record EmbeddingsResponse(IReadOnlyList<EmbeddingData> Data, string Model, EmbeddingsUsage Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}

/// <summary>One input's vector.</summary>
public sealed record EmbeddingData(int Index, [property: JsonConverter(typeof(EmbeddingVectorConverter))] EmbeddingVector Embedding)
{
    [JsonPropertyOrder(-1)]
    public string Object => "embedding";
}

/// <summary>Tokens read by an embeddings request.</summary>
public sealed record EmbeddingsUsage(int PromptTokens)
{
    public int TotalTokens => PromptTokens;
}

/// <summary>A vector written as a float array, or as base64 of little-endian float32 (what the SDKs ask for by default).</summary>
public sealed record EmbeddingVector(float[] Values, bool AsBase64);
