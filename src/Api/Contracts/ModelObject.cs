using System.Text.Json.Serialization;
namespace Llm.Api.Contracts;

/// <summary>A model as <c>GET /v1/models</c> lists it; <see cref="Meta"/> is this server's extension.</summary>
public sealed record ModelObject(string Id, long Created, ModelMeta Meta)
{
    [JsonPropertyOrder(-1)]
    public string Object => "model";
    public string OwnedBy => "llm";
}

/// <summary>What this server knows of a model beyond the OpenAI fields.</summary>
public sealed record ModelMeta(
    string State,
    string? Architecture,
    ulong? Parameters,
    ulong? SizeBytes,
    string? Quantization,
    int? ContextLength,
    int? TrainingContextLength,
    string? ChatTemplate,
    string? Error);

/// <summary>The list answered by <c>GET /v1/models</c>.</summary>
public sealed record ModelList(IReadOnlyList<ModelObject> Data)
{
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}
