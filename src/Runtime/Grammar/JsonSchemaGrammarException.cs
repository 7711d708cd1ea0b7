namespace Llm.Runtime.Grammar;

/// <summary>
/// A JSON Schema that <see cref="JsonSchemaGrammar"/> cannot turn into a grammar: either it uses a keyword the
/// converter does not support, or it is not a valid schema. The server answers 400 naming <see cref="Keyword"/>.
/// </summary>
public sealed class JsonSchemaGrammarException : Exception
{
    public JsonSchemaGrammarException(string keyword, string path, string reason)
        : base($"{reason} (keyword '{keyword}' at {path})")
    {
        Keyword = keyword;
        Path = path;
        Reason = reason;
    }

    /// <summary>The offending keyword, e.g. <c>not</c>, <c>patternProperties</c>, <c>$ref</c>, <c>type</c>.</summary>
    public string Keyword { get; }

    /// <summary>A JSON pointer to the offending keyword within the schema, as a URI fragment (e.g. <c>#/properties/a/not</c>).</summary>
    public string Path { get; }

    /// <summary>The message without the keyword and path, for callers that format their own.</summary>
    public string Reason { get; }
}
