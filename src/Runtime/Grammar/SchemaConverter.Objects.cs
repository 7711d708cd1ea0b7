using System.Text.Json;

namespace Llm.Runtime.Grammar;

/// <summary>
/// Objects: declared properties in schema order, each optional one omissible, then (when allowed) extra
/// properties whose names differ from the declared ones.
/// </summary>
internal sealed partial class SchemaConverter
{
    private sealed record Member(string Name, string KeyValue, bool Required);

    private string ObjectRule(JsonElement schema, string path, string hint)
    {
        var required = RequiredNames(schema, path);
        var extra = AdditionalProperties(schema, path, hint, out var declaresNone);
        if (declaresNone && required.Count == 0 && !schema.TryGetProperty("additionalProperties", out _))
            return _rules.Primitive("object"); // plain {"type":"object"}: any object

        var members = new List<Member>();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                declared.Add(property.Name);
                var isRequired = required.Contains(property.Name);
                if (property.Value.ValueKind == JsonValueKind.False)
                {
                    // 'false' forbids the property; fine unless it is also required.
                    if (isRequired) throw new JsonSchemaGrammarException("required", Child(path, "required"), $"Property '{property.Name}' is required but its schema is 'false'");
                    continue;
                }
                var valueHint = $"{hint}-{property.Name}";
                var value = AfterInput(() => _rules.Symbol(valueHint, Visit(property.Value, Child(Child(path, "properties"), property.Name), valueHint)));
                members.Add(new Member(property.Name, KeyValue(hint, property.Name, value), isRequired));
            }
        }
        // Required names without a declared schema take the additionalProperties schema (any value by default).
        foreach (var name in required.Where(n => !declared.Contains(n)))
        {
            if (schema.TryGetProperty("additionalProperties", out var ap) && ap.ValueKind == JsonValueKind.False)
                throw new JsonSchemaGrammarException("required", Child(path, "required"), $"Property '{name}' is required but not allowed by 'additionalProperties: false'");
            declared.Add(name);
            members.Add(new Member(name, KeyValue(hint, name, extra ?? _rules.Primitive("value")), true));
        }

        string? extraMember = null;
        if (extra is not null)
        {
            var key = declared.Count == 0 ? _rules.Primitive("string") : new PropertyNameExclusion(_rules, $"{hint}-other-key").Build(declared);
            extraMember = _rules.Add($"{hint}-other", $"{key} \":\" {_rules.Primitive("space")} {extra}");
        }

        var rest = new Dictionary<(int, bool), string>();
        var body = Rest(members, 0, false, extraMember, hint, rest);
        var space = _rules.Primitive("space");
        return $"\"{{\" {space} {body}{(body.Length > 0 ? " " : "")}\"}}\" {space}";
    }

    /// <summary>
    /// GBNF for members[index..] plus the extras. <paramref name="comma"/>: whether a member was already written,
    /// so the next one needs a leading comma. Each optional member doubles the paths, so the states are named
    /// rules and shared: at most two per member.
    /// </summary>
    private string Rest(List<Member> members, int index, bool comma, string? extra, string hint, Dictionary<(int, bool), string> memo)
    {
        var separator = comma ? $"\",\" {_rules.Primitive("space")} " : "";
        if (index == members.Count)
        {
            if (extra is null) return "";
            var more = $"( \",\" {_rules.Primitive("space")} {extra} )*";
            return comma ? more : $"( {extra} {more} )?";
        }
        if (memo.TryGetValue((index, comma), out var known)) return known;

        var member = members[index];
        var after = Rest(members, index + 1, true, extra, hint, memo);
        var with = Join(separator + member.KeyValue, after);
        string result;
        if (member.Required) result = with;
        else
        {
            var without = Rest(members, index + 1, comma, extra, hint, memo);
            var body = without.Length == 0 ? $"( {with} )?" : $"{with} | {without}";
            result = _rules.Add($"{hint}-after-{index}{(comma ? "-c" : "")}", body);
        }
        memo[(index, comma)] = result;
        return result;
    }

    private string KeyValue(string hint, string name, string value) =>
        _rules.Add($"{hint}-{name}-kv", $"{Gbnf.Literal(JsonString(name))} {_rules.Primitive("space")} \":\" {_rules.Primitive("space")} {value}");

    private static string Join(string left, string right) => right.Length == 0 ? left : $"{left} {right}";

    private HashSet<string> RequiredNames(JsonElement schema, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!schema.TryGetProperty("required", out var required)) return names;
        if (required.ValueKind != JsonValueKind.Array || required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
            throw new JsonSchemaGrammarException("required", Child(path, "required"), "'required' must be an array of property names");
        foreach (var name in required.EnumerateArray()) names.Add(name.GetString()!);
        return names;
    }

    /// <summary>
    /// The value rule for extra properties, or null when none are allowed. Absent additionalProperties allows none
    /// when properties are declared: JSON Schema would allow any, but a model should not invent fields, and
    /// omitting them still validates.
    /// </summary>
    private string? AdditionalProperties(JsonElement schema, string path, string hint, out bool declaresNone)
    {
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        if (hasProperties && properties.ValueKind != JsonValueKind.Object)
            throw new JsonSchemaGrammarException("properties", Child(path, "properties"), "'properties' must be an object");
        declaresNone = !hasProperties || !properties.EnumerateObject().Any();
        if (!schema.TryGetProperty("additionalProperties", out var additional))
            return declaresNone ? _rules.Primitive("value") : null;
        if (additional.ValueKind == JsonValueKind.False) return null;
        var extraHint = $"{hint}-other-value";
        return AfterInput(() => _rules.Symbol(extraHint, Visit(additional, Child(path, "additionalProperties"), extraHint)));
    }

    private static string JsonString(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LiteralJson)) writer.WriteStringValue(text);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
