using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>A tool call in a non-streamed reply.</summary>
public sealed record ToolCallOut(string Id, FunctionCallOut Function)
{
    [JsonPropertyOrder(1)]
    public string Type => "function";
}

/// <summary>The function a tool call names, with its arguments as JSON text.</summary>
public sealed record FunctionCallOut(string Name, string Arguments);

/// <summary>
/// A piece of a streamed tool call. <see cref="Index"/> is on every delta; id, type and name only on the first
/// delta of each call, as clients (MEAI, the Node helper) require.
/// </summary>
public sealed record ToolCallDelta(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
    FunctionDelta Function);

/// <summary>The function part of a tool-call delta.</summary>
public sealed record FunctionDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    string Arguments);
