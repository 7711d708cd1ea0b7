using System.Text;
using System.Text.Json;
using Llm.Runtime.Grammar;
using Llm.Runtime.Tests.Jinja;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>
/// The converter is recursive; every way a schema nests (subschemas, and chains of <c>$ref</c> that nest without
/// the JSON nesting) stops at <see cref="JsonSchemaGrammarOptions.MaxDepth"/> with a keyword and path, on a 1 MiB stack.
/// </summary>
public sealed class JsonSchemaDepthTests
{
    private static readonly JsonDocumentOptions Deep = new() { MaxDepth = 1_000_000 };

    public static TheoryData<string, int, string> Nestings()
    {
        var data = new TheoryData<string, int, string>();
        // 10,000 levels is 20 times what overflows a 1 MiB stack without the limit (about 450); deeper documents only
        // cost the test time (parsing them), except for $ref chains, whose JSON stays flat.
        data.Add("$ref chain", 100_000, "$defs");
        foreach (var n in new[] { 10_000 })
        {
            data.Add("items", n, "items");
            data.Add("properties", n, "properties");
            data.Add("anyOf", n, "anyOf");
            data.Add("oneOf", n, "oneOf");
            data.Add("allOf", n, "allOf");
            data.Add("prefixItems", n, "prefixItems");
            data.Add("additionalProperties", n, "additionalProperties");
            data.Add("$ref chain", n, "$defs");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Nestings))]
    public void Deep_schemas_are_refused_naming_where(string kind, int depth, string keyword)
    {
        var schema = Build(kind, depth);
        using var document = JsonDocument.Parse(schema, Deep);
        var error = HostileTemplateTests.OnSmallStack(() => JsonSchemaGrammar.FromSchema(document.RootElement));
        var refusal = Assert.IsType<JsonSchemaGrammarException>(error);
        Assert.Contains("nests more than 128 levels", refusal.Message);
        Assert.Equal(keyword, refusal.Keyword);
        Assert.True(refusal.Message.Length < 1000, "the path in the message is shortened");
    }

    [Theory]
    [InlineData("items")]
    [InlineData("properties")]
    [InlineData("$ref chain")]
    public void Schemas_within_the_limit_convert(string kind)
    {
        using var document = JsonDocument.Parse(Build(kind, 30), Deep);
        Assert.Contains("root ::=", JsonSchemaGrammar.FromSchema(document.RootElement));
    }

    [Fact]
    public void Recursive_schemas_still_convert_because_each_reference_is_defined_once()
    {
        using var document = JsonDocument.Parse("""{"$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},"$ref":"#/$defs/node"}""");
        Assert.Contains("node ::=", JsonSchemaGrammar.FromSchema(document.RootElement));
    }

    [Fact]
    public void The_limit_is_configurable()
    {
        using var document = JsonDocument.Parse(Build("items", 10));
        Assert.Throws<JsonSchemaGrammarException>(() => JsonSchemaGrammar.FromSchema(document.RootElement, new JsonSchemaGrammarOptions { MaxDepth = 5 }));
        Assert.Contains("root ::=", JsonSchemaGrammar.FromSchema(document.RootElement, new JsonSchemaGrammarOptions { MaxDepth = 20 }));
    }

    private static string Build(string kind, int n)
    {
        var sb = new StringBuilder();
        if (kind == "$ref chain")
        {
            // Flat JSON, deep recursion: d0 -> d1 -> ... each reference followed to a new definition.
            sb.Append("{\"$defs\":{");
            for (var i = 0; i < n; i++) sb.Append($"\"d{i}\":{{\"$ref\":\"#/$defs/d{i + 1}\"}},");
            sb.Append($"\"d{n}\":{{\"type\":\"string\"}}}},\"$ref\":\"#/$defs/d0\"}}");
            return sb.ToString();
        }
        var (open, close) = kind switch
        {
            "items" => ("{\"type\":\"array\",\"items\":", "}"),
            "properties" => ("{\"type\":\"object\",\"properties\":{\"a\":", "}}"),
            "anyOf" => ("{\"anyOf\":[", "]}"),
            "oneOf" => ("{\"oneOf\":[", "]}"),
            "allOf" => ("{\"allOf\":[", "]}"),
            "prefixItems" => ("{\"type\":\"array\",\"prefixItems\":[", "]}"),
            _ => ("{\"type\":\"object\",\"additionalProperties\":", "}"),
        };
        for (var i = 0; i < n; i++) sb.Append(open);
        sb.Append("{\"type\":\"string\"}");
        for (var i = 0; i < n; i++) sb.Append(close);
        return sb.ToString();
    }
}
