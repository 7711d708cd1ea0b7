using System.Text.Encodings.Web;
using System.Text.Json;

namespace Llm.Runtime.Grammar;

/// <summary>
/// Walks one JSON Schema document and builds its GBNF. Each Visit returns a GBNF expression matching exactly
/// the JSON values the (sub)schema allows, followed by optional whitespace.
/// </summary>
internal sealed partial class SchemaConverter
{
    // Relaxed escaping keeps non-ASCII text as itself, which is what a model would naturally write.
    private static readonly JsonWriterOptions LiteralJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonElement _document;
    private readonly GbnfRuleSet _rules;
    private readonly int _maxDepth;
    private readonly JsonSchemaGrammarOptions _options;
    private int _depth;
    private int _subschemas;
    private int _properties;
    private int _alternatives;

    public SchemaConverter(JsonElement document, JsonSchemaGrammarOptions options)
    {
        _document = document;
        _rules = new GbnfRuleSet(options);
        _maxDepth = options.MaxDepth;
        _options = options;
    }

    public string Convert()
    {
        _rules.Reserve("root");
        DefineReferenced("#", _document, "root");
        var grammar = _rules.Render();
        if (grammar.Length > _options.MaxGrammarLength)
            throw new JsonSchemaGrammarException("$schema", "#", $"The schema's grammar would be {grammar.Length} characters; at most {_options.MaxGrammarLength} are supported");
        return grammar;
    }

    // Breadth budgets: each counter only grows, so the total work is bounded whatever the schema's shape.
    private void Spend(ref int counter, int amount, int limit, string keyword, string path, string what)
    {
        counter += amount;
        if (counter > limit)
            throw new JsonSchemaGrammarException(keyword, Shortened(path), $"The schema has more than {limit} {what}; that is the most supported");
    }

    private string Visit(JsonElement schema, string path, string hint)
    {
        // Measured on a 1 MiB stack: ~1.8 KiB a level, overflowing near 450; the default 128 stays far below.
        if (++_depth > _maxDepth)
            throw new JsonSchemaGrammarException(OwningKeyword(path), Shortened(path), $"The schema nests more than {_maxDepth} levels (subschemas and followed '$ref's together)");
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new JsonSchemaGrammarException(OwningKeyword(path), Shortened(path), "The schema nests too deeply for the thread's stack");
        Spend(ref _subschemas, 1, _options.MaxSubschemas, OwningKeyword(path), path, "subschemas");
        try
        {
            return VisitCore(schema, path, hint);
        }
        finally
        {
            _depth--;
        }
    }

    private string VisitCore(JsonElement schema, string path, string hint)
    {
        if (schema.ValueKind == JsonValueKind.True) return _rules.Primitive("value");
        if (schema.ValueKind == JsonValueKind.False)
            throw new JsonSchemaGrammarException(OwningKeyword(path), path, "Schema 'false' matches no value, so no output could satisfy it");
        if (schema.ValueKind != JsonValueKind.Object)
            throw new JsonSchemaGrammarException(OwningKeyword(path), path, $"A schema must be an object or a boolean, not {schema.ValueKind}");

        RejectUnsupported(schema, path);
        var expression = VisitObjectSchema(schema, path, hint);
        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
            return $"{_rules.Symbol(hint, expression)} | {_rules.Primitive("null")}"; // OpenAPI 3.0's spelling of ["T","null"]
        return expression;
    }

    private string VisitObjectSchema(JsonElement schema, string path, string hint)
    {
        if (schema.TryGetProperty("$ref", out var reference)) return Reference(reference, Child(path, "$ref"));
        if (schema.TryGetProperty("anyOf", out var anyOf)) return Alternatives(anyOf, Child(path, "anyOf"), hint);
        // oneOf's "exactly one" cannot be expressed in a grammar; for the usual disjoint branches it equals anyOf.
        if (schema.TryGetProperty("oneOf", out var oneOf)) return Alternatives(oneOf, Child(path, "oneOf"), hint);
        if (schema.TryGetProperty("allOf", out var allOf)) return SingleAllOf(allOf, Child(path, "allOf"), hint);
        if (schema.TryGetProperty("const", out var constant)) return LiteralValue(constant);
        if (schema.TryGetProperty("enum", out var enumeration)) return Enumeration(enumeration, Child(path, "enum"));

        if (schema.TryGetProperty("type", out var type))
        {
            var typePath = Child(path, "type");
            if (type.ValueKind == JsonValueKind.String) return Typed(schema, TypeName(type, typePath), path, hint);
            if (type.ValueKind != JsonValueKind.Array || type.GetArrayLength() == 0)
                throw new JsonSchemaGrammarException("type", typePath, "'type' must be a type name or a non-empty array of type names");
            var branches = new List<string>();
            foreach (var item in type.EnumerateArray())
            {
                var name = TypeName(item, typePath);
                branches.Add(_rules.Symbol($"{hint}-{name}", Typed(schema, name, path, $"{hint}-{name}")));
            }
            return string.Join(" | ", branches.Distinct());
        }

        // Untyped schemas: infer the type from the keywords present, as llama.cpp and OpenAI do.
        if (Has(schema, "properties", "additionalProperties", "required")) return Typed(schema, "object", path, hint);
        if (Has(schema, "items", "prefixItems", "minItems", "maxItems", "additionalItems")) return Typed(schema, "array", path, hint);
        if (Has(schema, "minLength", "maxLength", "format")) return Typed(schema, "string", path, hint);
        return _rules.Primitive("value");
    }

    private string Typed(JsonElement schema, string type, string path, string hint) => type switch
    {
        "object" => ObjectRule(schema, path, hint),
        "array" => ArrayRule(schema, path, hint),
        "string" => StringRule(schema, path),
        "number" => _rules.Primitive(IsNonNegative(schema) ? "number-nonneg" : "number"),
        "integer" => _rules.Primitive(IsNonNegative(schema) ? "integer-nonneg" : "integer"),
        "boolean" => _rules.Primitive("boolean"),
        _ => _rules.Primitive("null"),
    };

    private string Alternatives(JsonElement list, string path, string hint)
    {
        var keyword = LastSegment(path);
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            throw new JsonSchemaGrammarException(keyword, path, $"'{keyword}' must be a non-empty array of schemas");
        Spend(ref _alternatives, list.GetArrayLength(), _options.MaxAlternatives, keyword, path, "alternatives ('enum' values and 'anyOf'/'oneOf' branches) in all");
        var branches = new List<string>();
        var i = 0;
        foreach (var branch in list.EnumerateArray())
        {
            var branchPath = Child(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // A 'false' branch matches nothing, so it adds nothing to the union.
            if (branch.ValueKind != JsonValueKind.False)
                branches.Add(_rules.Symbol($"{hint}-{i}", Visit(branch, branchPath, $"{hint}-{i}")));
            i++;
        }
        if (branches.Count == 0) throw new JsonSchemaGrammarException(keyword, path, $"Every branch of '{keyword}' is 'false'");
        return string.Join(" | ", branches.Distinct());
    }

    // allOf is an intersection, which a grammar cannot compute in general; the single-branch form that schema
    // generators emit to attach a description to a $ref is just that branch.
    private string SingleAllOf(JsonElement list, string path, string hint)
    {
        if (list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 1)
            return Visit(list[0], Child(path, "0"), hint);
        throw new JsonSchemaGrammarException("allOf", path, "'allOf' is supported only with a single schema");
    }

    private string Enumeration(JsonElement values, string path)
    {
        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            throw new JsonSchemaGrammarException("enum", path, "'enum' must be a non-empty array");
        Spend(ref _alternatives, values.GetArrayLength(), _options.MaxAlternatives, "enum", path, "alternatives ('enum' values and 'anyOf'/'oneOf' branches) in all");
        return string.Join(" | ", values.EnumerateArray().Select(LiteralValue).Distinct());
    }

    /// <summary>Exactly one JSON value, in compact form, e.g. for const and enum.</summary>
    private string LiteralValue(JsonElement value)
    {
        string json;
        if (value.ValueKind == JsonValueKind.Number) json = value.GetRawText();
        else
        {
            // Re-written rather than copied raw, so indentation in the schema does not leak into the literal.
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, LiteralJson)) value.WriteTo(writer);
            json = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        return $"{Gbnf.Literal(json)} {_rules.Primitive("space")}";
    }

    private string StringRule(JsonElement schema, string path)
    {
        var quote = Gbnf.Literal("\"");
        var space = _rules.Primitive("space");
        if (schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
            && format.GetString() is "date" or "time" or "date-time" or "uuid")
            return $"{quote} {_rules.Primitive(format.GetString()!)} {quote} {space}";

        var min = Count(schema, "minLength", path) ?? 0;
        var max = Count(schema, "maxLength", path);
        if (min == 0 && max is null) return _rules.Primitive("string");
        CheckRange(min, max, "maxLength", path);
        return $"{quote} {Repeated("chars", _rules.Primitive("char"), min, max)} {quote} {space}";
    }

    /// <summary>
    /// A bounded repetition as a rule of its own. llama.cpp counts the rules a repetition generates into any group
    /// around it, and refuses a group repeated (or made optional) whose count reaches its threshold; a rule reference
    /// counts as one, so named, a repetition can sit anywhere.
    /// </summary>
    private string Repeated(string hint, string item, int min, int? max)
    {
        var repeated = Gbnf.Repeat(item, min, max);
        return repeated.Length == 0 || Gbnf.IsSymbol(repeated) ? repeated : _rules.Add(hint, repeated);
    }

    private static bool IsNonNegative(JsonElement schema) =>
        SchemaKeywords.LowerBounds.Any(k => schema.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number && v.GetDouble() >= 0);

    private static void RejectUnsupported(JsonElement schema, string path)
    {
        foreach (var property in schema.EnumerateObject())
        {
            if (SchemaKeywords.Unsupported.Contains(property.Name))
                throw new JsonSchemaGrammarException(property.Name, Child(path, property.Name), $"JSON Schema keyword '{property.Name}' is not supported");
            if (property.Name == "uniqueItems" && property.Value.ValueKind == JsonValueKind.True)
                throw new JsonSchemaGrammarException("uniqueItems", Child(path, "uniqueItems"), "'uniqueItems: true' is not supported");
        }
    }

    private static string TypeName(JsonElement type, string path)
    {
        var name = type.ValueKind == JsonValueKind.String ? type.GetString() : null;
        if (name is null || !SchemaKeywords.TypeNames.Contains(name))
            throw new JsonSchemaGrammarException("type", path, $"Unknown type {type.GetRawText()}");
        return name;
    }

    /// <summary>A non-negative integer keyword such as minItems, or null when absent.</summary>
    private static int? Count(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d >= 0 && d == Math.Floor(d))
        {
            if (d > Gbnf.MaxRepetition && keyword.StartsWith("min", StringComparison.Ordinal))
                throw new JsonSchemaGrammarException(keyword, Child(path, keyword), $"'{keyword}' above {Gbnf.MaxRepetition} is not supported");
            return d > int.MaxValue ? int.MaxValue : (int)d;
        }
        throw new JsonSchemaGrammarException(keyword, Child(path, keyword), $"'{keyword}' must be a non-negative integer");
    }

    private static void CheckRange(int min, int? max, string maxKeyword, string path)
    {
        if (max < min)
            throw new JsonSchemaGrammarException(maxKeyword, Child(path, maxKeyword), $"'{maxKeyword}' is smaller than the minimum, so no value matches");
    }

    private static bool Has(JsonElement schema, params string[] keywords) => keywords.Any(k => schema.TryGetProperty(k, out _));

    private static string Child(string path, string segment) => $"{path}/{segment.Replace("~", "~0").Replace("/", "~1")}";

    private static readonly HashSet<string> SchemaHolders = new(StringComparer.Ordinal)
    {
        "properties", "items", "prefixItems", "additionalProperties", "additionalItems", "anyOf", "oneOf", "allOf", "$defs", "definitions",
    };

    /// <summary>The keyword whose subschema sits at <paramref name="path"/>, e.g. 'properties' for #/properties/a.</summary>
    // A path as deep as the limit can be long; the error names its start and its end.
    private static string Shortened(string path) => path.Length <= 200 ? path : $"{path[..100]}...{path[^100..]}";

    private static string OwningKeyword(string path)
    {
        var segments = path.Split('/');
        for (var i = segments.Length - 1; i > 0; i--)
            if (SchemaHolders.Contains(segments[i])) return segments[i];
        return "$schema";
    }

    private static string LastSegment(string path) => path[(path.LastIndexOf('/') + 1)..].Replace("~1", "/").Replace("~0", "~");
}
