namespace Llm.Runtime.Grammar;

/// <summary>Which JSON Schema keywords the converter refuses, so a request that relies on them fails loudly.</summary>
internal static class SchemaKeywords
{
    /// <summary>
    /// Validation keywords a grammar cannot (or this converter does not) enforce. Ignoring them would return
    /// JSON that fails the client's own validation, so they are rejected. Keywords in neither list are treated
    /// as annotations (title, description, examples, default, $schema, $id, $comment, strict, ...) and ignored.
    /// </summary>
    public static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "not", "if", "then", "else", "patternProperties", "propertyNames", "dependentRequired", "dependentSchemas",
        "dependencies", "unevaluatedProperties", "unevaluatedItems", "contains", "minContains", "maxContains",
        "minProperties", "maxProperties", "pattern", "$dynamicRef", "$recursiveRef",
    };

    /// <summary>Numeric bounds are accepted but only their sign is enforced (see <see cref="JsonSchemaGrammar"/>).</summary>
    public static readonly string[] LowerBounds = ["minimum", "exclusiveMinimum"];

    public static readonly string[] TypeNames = ["object", "array", "string", "number", "integer", "boolean", "null"];
}
