using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>
/// A test-only JSON Schema validator for the keywords the grammar enforces: $ref (local), type, properties,
/// required, additionalProperties, items, prefixItems, minItems, maxItems, minLength, maxLength, enum, const,
/// anyOf, oneOf, nullable, and format date / time / date-time / uuid. Independent of the converter, so a wrong
/// grammar shows up as a validation error.
/// </summary>
internal static partial class SchemaValidator
{
    /// <summary>The violations of <paramref name="schema"/> by <paramref name="instance"/>; empty when valid.</summary>
    public static List<string> Validate(JsonElement schema, JsonElement instance)
    {
        var errors = new List<string>();
        Check(schema, schema, instance, "$", errors);
        return errors;
    }

    private static void Check(JsonElement root, JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True) return;
        if (schema.ValueKind == JsonValueKind.False) { errors.Add($"{at}: schema false"); return; }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = root;
            foreach (var segment in reference.GetString()!.Split('/').Skip(1))
                target = target.GetProperty(segment.Replace("~1", "/").Replace("~0", "~"));
            Check(root, target, value, at, errors);
        }
        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True
            && value.ValueKind == JsonValueKind.Null) return;
        if (schema.TryGetProperty("type", out var type))
        {
            var names = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
            if (!names.Any(n => HasType(value, n))) errors.Add($"{at}: {value.ValueKind} is not {string.Join("/", names)}");
        }
        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
            errors.Add($"{at}: not the const {constant.GetRawText()}");
        if (schema.TryGetProperty("enum", out var enumeration) && !enumeration.EnumerateArray().Any(e => JsonElement.DeepEquals(e, value)))
            errors.Add($"{at}: {value.GetRawText()} not in enum");
        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(s => Validates(root, s, value, at)))
            errors.Add($"{at}: matches no anyOf branch");
        if (schema.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().Count(s => Validates(root, s, value, at)) != 1)
            errors.Add($"{at}: does not match exactly one oneOf branch");
        if (schema.TryGetProperty("allOf", out var allOf))
            foreach (var branch in allOf.EnumerateArray()) Check(root, branch, value, at, errors);

        switch (value.ValueKind)
        {
            case JsonValueKind.Object: CheckObject(root, schema, value, at, errors); break;
            case JsonValueKind.Array: CheckArray(root, schema, value, at, errors); break;
            case JsonValueKind.String: CheckString(schema, value.GetString()!, at, errors); break;
        }
    }

    private static bool Validates(JsonElement root, JsonElement schema, JsonElement value, string at)
    {
        var errors = new List<string>();
        Check(root, schema, value, at, errors);
        return errors.Count == 0;
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number
            && decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => throw new ArgumentException($"Unknown type {type}"),
    };

    private static void CheckObject(JsonElement root, JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        var names = value.EnumerateObject().Select(p => p.Name).ToList();
        if (names.Count != names.Distinct().Count()) errors.Add($"{at}: duplicate property names");
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!names.Contains(name)) errors.Add($"{at}: missing required '{name}'");
        var declared = schema.TryGetProperty("properties", out var properties) ? properties : default;
        foreach (var property in value.EnumerateObject())
        {
            if (declared.ValueKind == JsonValueKind.Object && declared.TryGetProperty(property.Name, out var propertySchema))
                Check(root, propertySchema, property.Value, $"{at}.{property.Name}", errors);
            else if (schema.TryGetProperty("additionalProperties", out var additional))
                Check(root, additional, property.Value, $"{at}.{property.Name}", errors);
        }
    }

    private static void CheckArray(JsonElement root, JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        var length = value.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var min) && length < min.GetInt32()) errors.Add($"{at}: fewer than {min} items");
        if (schema.TryGetProperty("maxItems", out var max) && length > max.GetInt32()) errors.Add($"{at}: more than {max} items");
        // 2020-12 prefixItems + items, or the draft 4-7 array form of items + additionalItems.
        var legacy = schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array;
        var hasPrefix = legacy || schema.TryGetProperty("prefixItems", out items);
        var prefixCount = hasPrefix ? items.GetArrayLength() : 0;
        for (var i = 0; i < Math.Min(prefixCount, length); i++) Check(root, items[i], value[i], $"{at}[{i}]", errors);
        if (schema.TryGetProperty(legacy ? "additionalItems" : "items", out var rest))
            for (var i = prefixCount; i < length; i++) Check(root, rest, value[i], $"{at}[{i}]", errors);
    }

    private static void CheckString(JsonElement schema, string text, string at, List<string> errors)
    {
        var length = text.EnumerateRunes().Count();
        if (schema.TryGetProperty("minLength", out var min) && length < min.GetInt32()) errors.Add($"{at}: shorter than {min}");
        if (schema.TryGetProperty("maxLength", out var max) && length > max.GetInt32()) errors.Add($"{at}: longer than {max}");
        if (!schema.TryGetProperty("format", out var format)) return;
        var ok = format.GetString() switch
        {
            "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) || LooseDate().IsMatch(text),
            "time" => Time().IsMatch(text),
            "date-time" => text.Length > 11 && text[10] == 'T' && LooseDate().IsMatch(text[..10]) && Time().IsMatch(text[11..]),
            "uuid" => Guid.TryParseExact(text, "D", out _),
            _ => true,
        };
        if (!ok) errors.Add($"{at}: '{text}' is not a {format.GetString()}");
    }

    // Month 01-12 and day 01-31 (the grammar does not check days per month, and neither does this).
    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]
    private static partial Regex LooseDate();

    [GeneratedRegex(@"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$")]
    private static partial Regex Time();
}
