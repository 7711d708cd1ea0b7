using System.Text.Json.Serialization;

namespace Llm.Api.Contracts.FineTuning;

/// <summary>An uploaded file as OpenAI shapes it (<c>status</c> is deprecated there but still required).</summary>
public sealed record FileObject(string Id, long Bytes, long CreatedAt, string Filename, string Purpose, string Status)
{
    [JsonPropertyOrder(-1)]
    public string Object => "file";
}

/// <summary>The answer of <c>GET /v1/files</c>.</summary>
public sealed record FileList(IReadOnlyList<FileObject> Data, bool HasMore)
{
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}

/// <summary>The answer of <c>DELETE /v1/files/{id}</c>.</summary>
public sealed record FileDeleted(string Id, bool Deleted)
{
    [JsonPropertyOrder(-1)]
    public string Object => "file";
}
