using System.Text.Json;

namespace Llm.Runtime.Grammar;

/// <summary>$ref: each target becomes one named rule, so recursive schemas become recursive rules.</summary>
internal sealed partial class SchemaConverter
{
    private readonly Dictionary<string, string> _referenced = new(StringComparer.Ordinal); // pointer -> rule

    // References being expanded, innermost last; null marks a point where input was consumed ('{' or '[').
    // A reference met again with no null after its own frame would match itself without consuming anything:
    // left recursion, which llama.cpp rejects at grammar creation with no hint at the cause.
    private readonly List<string?> _frames = [];

    private string Reference(JsonElement reference, string path)
    {
        if (reference.ValueKind != JsonValueKind.String)
            throw new JsonSchemaGrammarException("$ref", path, "'$ref' must be a string");
        var pointer = reference.GetString()!;
        if (pointer != "#" && !pointer.StartsWith("#/", StringComparison.Ordinal))
            throw new JsonSchemaGrammarException("$ref", path, $"Only references within the schema ('#/$defs/...') are supported, not '{pointer}'");
        pointer = Uri.UnescapeDataString(pointer);

        if (_referenced.TryGetValue(pointer, out var rule))
        {
            var frame = _frames.LastIndexOf(pointer);
            if (frame >= 0 && !_frames.Skip(frame + 1).Contains(null))
                throw new JsonSchemaGrammarException("$ref", path, $"'{pointer}' refers to itself before any input is consumed (left recursion)");
            return rule;
        }

        var target = Resolve(pointer, path);
        var name = _rules.Reserve(pointer == "#" ? "root" : pointer[(pointer.LastIndexOf('/') + 1)..]);
        return DefineReferenced(pointer, target, name);
    }

    private string DefineReferenced(string pointer, JsonElement target, string name)
    {
        _referenced[pointer] = name;
        _frames.Add(pointer);
        var body = Visit(target, pointer, name);
        _frames.RemoveAt(_frames.Count - 1);
        _rules.Define(name, body);
        return name;
    }

    /// <summary>Runs <paramref name="visit"/> for a value nested after '{' or '[', where references may recur.</summary>
    private T AfterInput<T>(Func<T> visit)
    {
        _frames.Add(null);
        try { return visit(); }
        finally { _frames.RemoveAt(_frames.Count - 1); }
    }

    private JsonElement Resolve(string pointer, string path)
    {
        var current = _document;
        foreach (var raw in pointer.Split('/').Skip(1))
        {
            var segment = raw.Replace("~1", "/").Replace("~0", "~");
            var found = current.ValueKind switch
            {
                JsonValueKind.Object => current.TryGetProperty(segment, out var child) ? child : (JsonElement?)null,
                JsonValueKind.Array => int.TryParse(segment, out var index) && index >= 0 && index < current.GetArrayLength()
                    ? current[index] : null,
                _ => null,
            };
            current = found ?? throw new JsonSchemaGrammarException("$ref", path, $"'{pointer}' does not resolve within the schema");
        }
        return current;
    }
}
