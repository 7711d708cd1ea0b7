using System.Diagnostics;
using System.Text.Json;
using Llm.Runtime.Grammar;
using Xunit.Abstractions;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>
/// The generated grammars under real llama.cpp: a random-weight model sampling at temperature 1 must still
/// produce JSON that parses and validates against the schema. Also proves llama.cpp's parser accepts the GBNF.
/// </summary>
public sealed class GrammarSamplingTests(TinyLlamaFixture model, ITestOutputHelper output) : IClassFixture<TinyLlamaFixture>
{
    private const int MaxTokens = 400;
    private static readonly uint[] Seeds = [1, 2, 3, 4];

    public static readonly Dictionary<string, string> Schemas = new()
    {
        ["person"] = """
            {"type":"object","properties":{
              "name":{"type":"string","minLength":1,"maxLength":12},
              "age":{"type":"integer","minimum":0},
              "role":{"enum":["admin","user","guest"]},
              "email":{"type":["string","null"],"maxLength":20},
              "active":{"type":"boolean"},
              "score":{"type":"number"}},
             "required":["name","role","active"],"additionalProperties":false}
            """,
        ["list"] = """
            {"type":"array","minItems":2,"maxItems":4,"items":{"type":"object","properties":{
              "id":{"type":"integer"},"tags":{"type":"array","items":{"type":"string","maxLength":6},"maxItems":3}},
             "required":["id","tags"]}}
            """,
        ["tree"] = """
            {"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{
              "label":{"type":"string","maxLength":5},
              "children":{"type":"array","maxItems":2,"items":{"$ref":"#/$defs/node"}}},
             "required":["label"],"additionalProperties":false}}}
            """,
        ["union"] = """
            {"type":"object","properties":{
              "shape":{"anyOf":[
                {"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"number"}},"required":["kind","r"]},
                {"type":"object","properties":{"kind":{"const":"rect"},"w":{"type":"integer"},"h":{"type":"integer"}},"required":["kind","w","h"]}]},
              "note":{"type":"string","maxLength":8,"nullable":true},
              "v":{"const":2}},
             "required":["shape","v"]}
            """,
        ["formats"] = """
            {"type":"object","properties":{"id":{"type":"string","format":"uuid"},"day":{"type":"string","format":"date"},
             "at":{"type":"string","format":"date-time"},"pair":{"type":"array","prefixItems":[{"type":"boolean"},{"type":"null"}],"items":false,"minItems":2}},
             "required":["id","day","at","pair"]}
            """,
    };

    public static TheoryData<string, uint> Cases()
    {
        var data = new TheoryData<string, uint>();
        foreach (var name in Schemas.Keys)
            foreach (var seed in Seeds) data.Add(name, seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomModelOutputValidatesAgainstTheSchema(string name, uint seed)
    {
        var schema = JsonDocument.Parse(Schemas[name]).RootElement;
        var gbnf = JsonSchemaGrammar.FromSchema(schema);
        var watch = Stopwatch.StartNew();
        var result = model.Generate(gbnf, seed, MaxTokens);
        output.WriteLine($"{result.Tokens} tokens in {watch.ElapsedMilliseconds} ms: {result.Text}");

        Assert.True(result.Completed, $"No end of generation within {MaxTokens} tokens: {result.Text}");
        AssertValidUtf8(result);
        using var document = JsonDocument.Parse(result.Text);
        var errors = SchemaValidator.Validate(schema, document.RootElement);
        Assert.True(errors.Count == 0, $"{result.Text}\n{string.Join("\n", errors)}");
    }

    /// <summary>
    /// Grammars with unbounded strings (any-object, free text, extra property names): a random model rarely
    /// samples a closing quote among ~30k allowed tokens, so these run a bounded number of tokens and check
    /// that every one of them kept the output a valid JSON prefix of the right shape.
    /// </summary>
    [Theory]
    [InlineData("any-object", 11u)]
    [InlineData("any-object", 12u)]
    [InlineData("extras", 13u)]
    [InlineData("extras", 14u)]
    [InlineData("free-text", 15u)]
    public void UnboundedOutputStaysAValidJsonPrefix(string kind, uint seed)
    {
        var gbnf = kind switch
        {
            "any-object" => JsonSchemaGrammar.AnyJsonObject,
            "extras" => JsonSchemaGrammar.FromSchema(JsonDocument.Parse("""
                {"type":"object","properties":{"k":{"type":"integer"}},"required":["k"],"additionalProperties":{"type":"integer"}}
                """).RootElement),
            _ => JsonSchemaGrammar.FromSchema(JsonDocument.Parse("""{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}""").RootElement),
        };
        var result = model.Generate(gbnf, seed, 60);
        output.WriteLine($"{result.Tokens} tokens: {result.Text}");
        Assert.StartsWith("{", result.Text.TrimStart(), StringComparison.Ordinal);
        AssertJsonPrefix(result);
        if (kind == "extras") Assert.Contains("\"k\"", result.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// More constructs through llama.cpp's grammar parser, with a few sampled tokens. LLamaSharp 0.30's AddGrammar
    /// does not report a grammar llama.cpp rejects: it adds a null sampler and the process crashes on first use,
    /// so a broken grammar fails this test by crashing the test host.
    /// </summary>
    [Theory]
    [InlineData("""{"type":"object","properties":{"k":{"type":"integer"},"kind":{"type":"string"}},"required":["k"],"additionalProperties":{"type":"string"}}""")]
    [InlineData("""{"type":"object","properties":{"ünï/cödé \"q\"":{"type":"string","format":"time"}},"additionalProperties":true}""")]
    [InlineData("""{"type":"array","items":[{"type":"string"},{"enum":["é",1.5,null,{"a":[true]}]}],"additionalItems":{"type":"number","minimum":0}}""")]
    [InlineData("""{"type":"object","properties":{"next":{"anyOf":[{"$ref":"#"},{"type":"null"}]},"n":{"type":"string","nullable":true,"minLength":3}}}""")]
    [InlineData("""{"type":"array","items":{"type":"string","maxLength":5000},"minItems":3,"maxItems":10}""")]
    [InlineData("""{}""")]
    public void LlamaCppAcceptsTheGrammar(string schema)
    {
        foreach (var allowWhitespace in new[] { true, false })
        {
            var options = new JsonSchemaGrammarOptions { AllowWhitespace = allowWhitespace };
            var result = model.Generate(JsonSchemaGrammar.FromSchema(JsonDocument.Parse(schema).RootElement, options), 1, 8);
            output.WriteLine(result.Text);
            AssertJsonPrefix(result);
        }
    }

    [Fact]
    public void WithoutTheGrammarTheSameModelDoesNotWriteJson()
    {
        // Guards the tests above: if the model wrote valid JSON anyway, they would prove nothing.
        var result = model.Generate("root ::= [^\\x00]*", 1, 40);
        output.WriteLine(result.Text);
        Assert.False(IsJsonObject(result.Text), result.Text);
    }

    private static void AssertJsonPrefix(TinyLlamaFixture.Generation result)
    {
        var reader = new Utf8JsonReader(result.Bytes, isFinalBlock: result.Completed, state: default);
        try
        {
            while (reader.Read()) { }
        }
        catch (JsonException e)
        {
            Assert.Fail($"Not a JSON prefix ({e.Message}): {result.Text}");
        }
    }

    private static void AssertValidUtf8(TinyLlamaFixture.Generation result)
    {
        try
        {
            _ = new System.Text.UTF8Encoding(false, true).GetString(result.Bytes);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            Assert.Fail($"Invalid UTF-8 at byte {e.Index}: {Convert.ToHexString(result.Bytes)}\n{result.Text}");
        }
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
