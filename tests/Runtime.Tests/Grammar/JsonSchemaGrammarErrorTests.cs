using System.Text.Json;
using Llm.Runtime.Grammar;
using static Llm.Runtime.Tests.Grammar.GrammarAssert;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>Unsupported and invalid schemas name the keyword and where it is, for the server's 400.</summary>
public sealed class JsonSchemaGrammarErrorTests
{
    [Theory]
    [InlineData("""{"not":{"type":"string"}}""", "not", "#/not")]
    [InlineData("""{"type":"object","properties":{"a":{"if":{},"then":{}}}}""", "if", "#/properties/a/if")]
    [InlineData("""{"type":"object","patternProperties":{"^x":{}}}""", "patternProperties", "#/patternProperties")]
    [InlineData("""{"type":"string","pattern":"^a+$"}""", "pattern", "#/pattern")]
    [InlineData("""{"type":"array","items":{"type":"object","propertyNames":{"maxLength":2}}}""", "propertyNames", "#/items/propertyNames")]
    [InlineData("""{"type":"array","uniqueItems":true}""", "uniqueItems", "#/uniqueItems")]
    [InlineData("""{"type":"array","contains":{"type":"integer"}}""", "contains", "#/contains")]
    [InlineData("""{"type":"object","minProperties":1}""", "minProperties", "#/minProperties")]
    [InlineData("""{"type":"object","dependentRequired":{"a":["b"]}}""", "dependentRequired", "#/dependentRequired")]
    [InlineData("""{"allOf":[{"type":"object"},{"required":["a"]}]}""", "allOf", "#/allOf")]
    [InlineData("""{"anyOf":[{"type":"string"},{"unevaluatedProperties":false}]}""", "unevaluatedProperties", "#/anyOf/1/unevaluatedProperties")]
    [InlineData("""{"$defs":{"a":{"type":"object","properties":{"x":{"not":{}}}}},"$ref":"#/$defs/a"}""", "not", "#/$defs/a/properties/x/not")]
    public void UnsupportedKeywordsAreNamedWithTheirPath(string schema, string keyword, string path)
    {
        var error = Throws(schema);
        Assert.Equal(keyword, error.Keyword);
        Assert.Equal(path, error.Path);
        Assert.Contains(keyword, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"strin"}""", "type", "#/type")]
    [InlineData("""{"type":42}""", "type", "#/type")]
    [InlineData("""{"type":[]}""", "type", "#/type")]
    [InlineData("""{"type":"object","properties":[]}""", "properties", "#/properties")]
    [InlineData("""{"type":"object","properties":{"a":3}}""", "properties", "#/properties/a")]
    [InlineData("""{"type":"object","required":"a"}""", "required", "#/required")]
    [InlineData("""{"type":"array","minItems":-1}""", "minItems", "#/minItems")]
    [InlineData("""{"type":"array","maxItems":1.5}""", "maxItems", "#/maxItems")]
    [InlineData("""{"type":"array","minItems":3,"maxItems":2}""", "maxItems", "#/maxItems")]
    [InlineData("""{"type":"string","minLength":5,"maxLength":4}""", "maxLength", "#/maxLength")]
    [InlineData("""{"type":"array","prefixItems":[{}],"items":false,"minItems":2}""", "minItems", "#/minItems")]
    [InlineData("""{"enum":[]}""", "enum", "#/enum")]
    [InlineData("""{"anyOf":{}}""", "anyOf", "#/anyOf")]
    [InlineData("""{"anyOf":[false]}""", "anyOf", "#/anyOf")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "$ref", "#/$ref")]
    [InlineData("""{"$ref":"https://example.com/schema.json"}""", "$ref", "#/$ref")]
    [InlineData("""{"$ref":"#/$defs/a","$defs":{"a":{"anyOf":[{"$ref":"#/$defs/a"},{"type":"null"}]}}}""", "$ref", "#/$defs/a/anyOf/0/$ref")]
    [InlineData("""{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}}}""", "$ref", "#/$defs/b/$ref")]
    [InlineData("""{"type":"object","properties":{"a":false},"required":["a"]}""", "required", "#/required")]
    [InlineData("""{"type":"object","required":["a"],"additionalProperties":false}""", "required", "#/required")]
    [InlineData("""{"type":"array","items":false,"minItems":1}""", "minItems", "#/minItems")]
    [InlineData("""false""", "$schema", "#")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"array","items":"x"}}}""", "items", "#/properties/a/items")]
    public void InvalidSchemasAreNamedWithTheirPath(string schema, string keyword, string path)
    {
        var error = Throws(schema);
        Assert.Equal(keyword, error.Keyword);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void NonSchemaRootIsRejected()
    {
        var error = Assert.Throws<JsonSchemaGrammarException>(() => JsonSchemaGrammar.FromSchema(JsonDocument.Parse("[1]").RootElement));
        Assert.Equal("#", error.Path);
    }

    [Fact]
    public void UnknownKeywordsAreIgnoredAsAnnotations()
    {
        var gbnf = Convert("""{"type":"integer","x-vendor":{"not":1},"readOnly":true,"$comment":"c","deprecated":false,"maximum":3,"multipleOf":2}""");
        Assert.True(new GbnfMatcher(gbnf).Matches("7"));
    }
}
