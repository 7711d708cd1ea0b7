using System.Text.Json;
using Llm.Runtime.Grammar;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>Assertions that a schema's grammar accepts or rejects texts, cross-checked with <see cref="SchemaValidator"/>.</summary>
internal static class GrammarAssert
{
    public static string Convert(string schema, JsonSchemaGrammarOptions? options = null) =>
        JsonSchemaGrammar.FromSchema(JsonDocument.Parse(schema).RootElement, options);

    /// <summary>Each text is accepted by the grammar, and (when it parses as JSON) valid against the schema.</summary>
    public static void Accepts(string schema, params string[] texts)
    {
        var gbnf = Convert(schema);
        var matcher = new GbnfMatcher(gbnf);
        foreach (var text in texts)
        {
            Assert.True(matcher.Matches(text), $"Grammar should accept {text}\n{gbnf}");
            var errors = SchemaValidator.Validate(JsonDocument.Parse(schema).RootElement, JsonDocument.Parse(text).RootElement);
            Assert.True(errors.Count == 0, $"Test case {text} is not valid against its schema: {string.Join("; ", errors)}");
        }
    }

    /// <summary>Each text is rejected by the grammar.</summary>
    public static void Rejects(string schema, params string[] texts)
    {
        var gbnf = Convert(schema);
        var matcher = new GbnfMatcher(gbnf);
        foreach (var text in texts)
            Assert.False(matcher.Matches(text), $"Grammar should reject {text}\n{gbnf}");
    }

    public static JsonSchemaGrammarException Throws(string schema) =>
        Assert.Throws<JsonSchemaGrammarException>(() => Convert(schema));
}
