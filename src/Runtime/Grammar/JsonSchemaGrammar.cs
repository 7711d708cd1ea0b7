using System.Text.Json;

namespace Llm.Runtime.Grammar;

/// <summary>
/// Converts a JSON Schema into a GBNF grammar (root rule <c>root</c>) for llama.cpp's grammar sampler, so that
/// structured output is valid by construction, even from a weak model.
/// </summary>
/// <remarks>
/// <para>Supported: <c>type</c> (a name or an array of names), <c>properties</c>, <c>required</c>,
/// <c>additionalProperties</c> (false, true or a schema), <c>items</c>, <c>prefixItems</c> (and the draft-4..7 array
/// form of <c>items</c> with <c>additionalItems</c>), <c>minItems</c>, <c>maxItems</c>, <c>minLength</c>,
/// <c>maxLength</c>, <c>format</c> date / time / date-time / uuid, <c>enum</c>, <c>const</c>, <c>anyOf</c>,
/// <c>oneOf</c>, single-schema <c>allOf</c>, <c>$ref</c> to any pointer within the document (<c>#/$defs/...</c>,
/// <c>#/definitions/...</c>, <c>#</c>; recursion allowed), OpenAPI's <c>nullable</c>, and <c>{}</c> / <c>true</c> for
/// any value.</para>
/// <para>Accepted but not fully enforced: <c>minimum</c> / <c>exclusiveMinimum</c> only forbid a minus sign when they
/// are at least 0; <c>maximum</c>, <c>exclusiveMaximum</c> and <c>multipleOf</c> are ignored; other <c>format</c>
/// values (email, uri, ...) are ignored, since formats are annotations by default; <c>oneOf</c> is treated as
/// <c>anyOf</c>; keywords next to <c>$ref</c>, <c>anyOf</c>, <c>oneOf</c>, <c>const</c> and <c>enum</c> are not intersected
/// with them.</para>
/// <para>Narrower than JSON Schema, and still valid against it: properties are written in schema order; when
/// <c>properties</c> is given without <c>additionalProperties</c>, no extra properties are allowed; a tuple without
/// <c>items</c> gets no extra items unless <c>minItems</c> needs them; numbers have at most 16 significant digits.
/// Upper repetition bounds above 1999 (e.g. maxLength 5000) are treated as unbounded, as llama.cpp rejects them;
/// lower bounds above 1999 (minLength, minItems) are rejected.</para>
/// <para>Bounded breadth (see <see cref="JsonSchemaGrammarOptions"/>): at most 10,000 subschemas, 1,000 properties,
/// 1,000 alternatives (enum values and anyOf/oneOf branches), 100 prefixItems per array, and 256 Ki characters of
/// GBNF; past one, <see cref="JsonSchemaGrammarException"/> names the keyword and the limit.</para>
/// <para>Rejected with <see cref="JsonSchemaGrammarException"/>: <c>not</c>, <c>if</c>/<c>then</c>/<c>else</c>,
/// <c>pattern</c>, <c>patternProperties</c>, <c>propertyNames</c>, <c>dependentRequired</c>, <c>dependentSchemas</c>,
/// <c>dependencies</c>, <c>unevaluated*</c>, <c>contains</c>, <c>min/maxContains</c>, <c>min/maxProperties</c>,
/// <c>uniqueItems: true</c>, multi-schema <c>allOf</c>, <c>$dynamicRef</c>, <c>$recursiveRef</c>, non-local
/// <c>$ref</c>, left-recursive <c>$ref</c>, and malformed schemas. Unknown keywords are annotations and ignored.</para>
/// </remarks>
public static class JsonSchemaGrammar
{
    private static readonly Lazy<string> AnyObject = new(() =>
    {
        var rules = new GbnfRuleSet(JsonSchemaGrammarOptions.Default);
        rules.Reserve("root");
        rules.Define("root", rules.Primitive("object"));
        return rules.Render();
    });

    /// <summary>A grammar for any JSON object, for <c>response_format: {"type": "json_object"}</c>.</summary>
    public static string AnyJsonObject => AnyObject.Value;

    /// <summary>The GBNF for <paramref name="schema"/>, with root rule <c>root</c>.</summary>
    /// <exception cref="JsonSchemaGrammarException">The schema uses an unsupported keyword, is invalid, nests deeper than <see cref="JsonSchemaGrammarOptions.MaxDepth"/>, or is wider than one of the other limits of <paramref name="options"/>.</exception>
    public static string FromSchema(JsonElement schema, JsonSchemaGrammarOptions? options = null)
    {
        options ??= JsonSchemaGrammarOptions.Default;
        if (options.MaxIndent < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxIndent, "MaxIndent must not be negative.");
        if (options.MaxDepth < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxDepth, "MaxDepth must be positive.");
        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
            throw new JsonSchemaGrammarException("$schema", "#", $"A schema must be an object or a boolean, not {schema.ValueKind}");
        return new SchemaConverter(schema, options).Convert();
    }
}
