using System.Text.Json.Nodes;

namespace Llm.Runtime.Chat.Tools;

/// <summary>Moves the local <c>$ref</c>s of a schema that is embedded in a larger one, so they still point into it.</summary>
internal static class ToolSchemaReferences
{
    // Values under these keywords are data, not schemas: an object there may have a "$ref" member that is no reference.
    private static readonly HashSet<string> DataKeywords = new(StringComparer.Ordinal) { "const", "enum", "default", "examples" };

    // Keywords whose members are named schemas: a member called "const" there is a schema like any other.
    private static readonly HashSet<string> SchemaMaps = new(StringComparer.Ordinal) { "properties", "$defs", "definitions", "patternProperties", "dependentSchemas" };

    /// <summary>
    /// Rewrites every local reference in <paramref name="schema"/> (<c>#</c>, <c>#/...</c>) to start at
    /// <paramref name="location"/>, the JSON pointer of the schema within the document it is embedded in.
    /// </summary>
    /// <remarks>Iterative: the request body's depth limit bounds the schema already, but no stack depends on it here.</remarks>
    public static void Rebase(JsonNode schema, string location)
    {
        var pending = new Stack<JsonNode>();
        pending.Push(schema);
        while (pending.TryPop(out var node))
        {
            if (node is JsonArray array)
            {
                foreach (var item in array)
                    if (item is not null) pending.Push(item);
                continue;
            }
            if (node is not JsonObject obj) continue;
            foreach (var (key, value) in obj.ToArray())
            {
                if (value is null || DataKeywords.Contains(key)) continue;
                if (key == "$ref" && value is JsonValue reference && reference.TryGetValue<string>(out var pointer)
                    && (pointer == "#" || pointer.StartsWith("#/", StringComparison.Ordinal)))
                {
                    obj[key] = location + pointer[1..];
                    continue;
                }
                if (SchemaMaps.Contains(key) && value is JsonObject named)
                {
                    foreach (var (_, member) in named)
                        if (member is not null) pending.Push(member);
                    continue;
                }
                pending.Push(value);
            }
        }
    }
}
