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
                Spend(ref _properties, 1, _options.MaxProperties, "properties", Child(path, "properties"), "properties in all");
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

        var body = Rest(members, extraMember, hint);
        var space = _rules.Primitive("space");
        return $"\"{{\" {space} {body}{(body.Length > 0 ? " " : "")}\"}}\" {space}";
    }

    /// <summary>
    /// GBNF for all members plus the extras. State (index, comma) stands for members[index..], where comma says
    /// whether a member was already written, so the next one needs a leading comma. Each optional member doubles
    /// the paths, so the states are named rules and shared: at most two per member. Built from the last member back,
    /// iteratively: one stack frame per member would let a wide object overflow the stack.
    /// </summary>
    private string Rest(List<Member> members, string? extra, string hint)
    {
        // Which states the start (0, no comma) reaches: a required member always leads to (index + 1, comma).
        var count = members.Count;
        var reached = new bool[count + 1, 2];
        reached[0, 0] = true;
        for (var index = 0; index < count; index++)
        {
            for (var c = 0; c < 2; c++)
            {
                if (!reached[index, c]) continue;
                reached[index + 1, 1] = true;
                if (!members[index].Required) reached[index + 1, c] = true;
            }
        }

        var space = _rules.Primitive("space");
        var state = new string[count + 1, 2];
        var more = extra is null ? "" : $"( \",\" {space} {extra} )*";
        state[count, 1] = more;
        state[count, 0] = extra is null ? "" : $"( {extra} {more} )?";
        for (var index = count - 1; index >= 0; index--)
        {
            var member = members[index];
            for (var c = 1; c >= 0; c--)
            {
                if (!reached[index, c]) continue;
                var separator = c == 1 ? $"\",\" {space} " : "";
                var with = Join(separator + member.KeyValue, state[index + 1, 1]);
                if (member.Required)
                {
                    // Inline while short; named once long, or a run of required members would copy its tail each time (quadratic).
                    state[index, c] = with.Length <= 256 ? with : _rules.Add($"{hint}-after-{index}{(c == 1 ? "-c" : "")}", with);
                    continue;
                }
                var without = state[index + 1, c];
                var body = without.Length == 0 ? $"( {with} )?" : $"{with} | {without}";
                state[index, c] = _rules.Add($"{hint}-after-{index}{(c == 1 ? "-c" : "")}", body);
            }
        }
        return state[0, 0];
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
