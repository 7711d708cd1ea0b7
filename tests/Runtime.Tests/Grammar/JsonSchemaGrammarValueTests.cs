using Llm.Runtime.Grammar;
using static Llm.Runtime.Tests.Grammar.GrammarAssert;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>Scalars, enum/const, unions and whitespace, checked by running the generated GBNF on texts.</summary>
public sealed class JsonSchemaGrammarValueTests
{
    [Fact]
    public void StringAllowsEscapesAndUnicodeButNotRawControlsOrOtherTypes()
    {
        const string schema = """{"type":"string"}""";
        Accepts(schema, "\"\"", "\"héllo wörld\"", "\"a\\\"b\\\\c\\n\\u00e9\"", "\"😀\"");
        Rejects(schema, "\"a\nb\"", "\"abc", "42", "null", "\"a\\qb\"");
    }

    [Fact]
    public void StringLengthBoundsCountCharacters()
    {
        const string schema = """{"type":"string","minLength":2,"maxLength":4}""";
        Accepts(schema, "\"ab\"", "\"abcd\"", "\"é😀\"", "\"\\n\\t\"");
        Rejects(schema, "\"a\"", "\"abcde\"", "\"\"");
    }

    [Fact]
    public void StringFormats()
    {
        Accepts("""{"type":"string","format":"date"}""", "\"2024-02-29\"", "\"1999-12-31\"");
        Rejects("""{"type":"string","format":"date"}""", "\"2024-13-01\"", "\"2024-1-01\"", "\"hello\"");
        Accepts("""{"type":"string","format":"time"}""", "\"23:59:59Z\"", "\"08:00:00.123+02:00\"");
        Rejects("""{"type":"string","format":"time"}""", "\"24:00:00Z\"", "\"08:00:00\"");
        Accepts("""{"type":"string","format":"date-time"}""", "\"2024-05-01T12:30:00Z\"");
        Rejects("""{"type":"string","format":"date-time"}""", "\"2024-05-01 12:30:00Z\"");
        Accepts("""{"type":"string","format":"uuid"}""", "\"123e4567-e89b-12d3-a456-426614174000\"");
        Rejects("""{"type":"string","format":"uuid"}""", "\"123e4567e89b12d3a456426614174000\"", "\"123e4567-e89b-12d3-a456-42661417400g\"");
        // Formats the converter does not know are annotations: any string.
        Accepts("""{"type":"string","format":"email"}""", "\"not an email\"");
    }

    [Fact]
    public void NumbersAndIntegers()
    {
        Accepts("""{"type":"number"}""", "0", "-1.5", "3.25e10", "1E-7", "123456789012345");
        Rejects("""{"type":"number"}""", "01", "1.", ".5", "+1", "NaN", "\"1\"", "12345678901234567");
        Accepts("""{"type":"integer"}""", "0", "-42", "7");
        Rejects("""{"type":"integer"}""", "1.0", "1e3", "-0.5", "--1");
    }

    [Fact]
    public void NonNegativeMinimumForbidsTheMinusSign()
    {
        Accepts("""{"type":"integer","minimum":0}""", "0", "12");
        Rejects("""{"type":"integer","minimum":0}""", "-1");
        Accepts("""{"type":"number","exclusiveMinimum":0}""", "0.5");
        Rejects("""{"type":"number","exclusiveMinimum":0}""", "-0.5");
        Accepts("""{"type":"integer","minimum":-5,"maximum":5}""", "-3"); // other bounds: not enforced, documented
    }

    [Fact]
    public void BooleanAndNull()
    {
        Accepts("""{"type":"boolean"}""", "true", "false");
        Rejects("""{"type":"boolean"}""", "null", "1", "True");
        Accepts("""{"type":"null"}""", "null");
        Rejects("""{"type":"null"}""", "false", "\"null\"");
    }

    [Fact]
    public void TypeArraysAndNullable()
    {
        Accepts("""{"type":["string","null"]}""", "\"x\"", "null");
        Rejects("""{"type":["string","null"]}""", "1", "{}");
        Accepts("""{"type":["integer","boolean"]}""", "3", "true");
        Accepts("""{"type":"string","nullable":true}""", "\"a\"", "null");
        Rejects("""{"type":"string","nullable":true}""", "0");
    }

    [Fact]
    public void EnumAndConstAreExactValues()
    {
        const string schema = """{"enum":["red","gré\"en",3,null,{"a":[1,true]}]}""";
        Accepts(schema, "\"red\"", "\"gré\\\"en\"", "3", "null", """{"a":[1,true]}""");
        Rejects(schema, "\"blue\"", "\"Red\"", "4", """{"a":[1]}""");
        Accepts("""{"const":"fixed"}""", "\"fixed\"");
        Rejects("""{"const":"fixed"}""", "\"fixe\"", "\"fixedd\"");
        Accepts("""{"type":"object","properties":{"kind":{"const":"circle"}},"required":["kind"]}""", """{"kind":"circle"}""");
    }

    [Fact]
    public void AnyOfAndOneOfAreUnions()
    {
        const string schema = """{"anyOf":[{"type":"integer"},{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}]}""";
        Accepts(schema, "5", """{"x":"y"}""");
        Rejects(schema, "\"5\"", """{"y":"x"}""");
        Accepts("""{"oneOf":[{"type":"string"},{"type":"boolean"}]}""", "\"s\"", "true");
        Rejects("""{"oneOf":[{"type":"string"},{"type":"boolean"}]}""", "null");
    }

    [Fact]
    public void EmptySchemaAndTrueAreAnyJson()
    {
        foreach (var schema in new[] { "{}", "true", """{"description":"anything","title":"x"}""" })
        {
            Accepts(schema, "1", "\"s\"", "null", "[1,[2,{}]]", """{"a":{"b":[true,false]}}""");
            Rejects(schema, "{", "[1,]", "nul", "{'a':1}");
        }
    }

    [Fact]
    public void AnyJsonObjectAcceptsOnlyObjects()
    {
        var matcher = new GbnfMatcher(JsonSchemaGrammar.AnyJsonObject);
        Assert.True(matcher.Matches("""{"a":1,"b":[true,null,"x"],"c":{"d":-2.5e3}}"""));
        Assert.True(matcher.Matches("{ }"));
        Assert.False(matcher.Matches("[1]"));
        Assert.False(matcher.Matches("\"x\""));
        Assert.False(matcher.Matches("""{"a"}"""));
    }

    [Fact]
    public void WhitespaceIsOptionalAndBounded()
    {
        const string schema = """{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}},"required":["a"]}""";
        Accepts(schema, """{"a":[1,2]}""", "{ \"a\" : [ 1 , 2 ] }", "{\n  \"a\": [\n    1,\n    2\n  ]\n}");
        Rejects(schema, "{" + new string(' ', 2) + "\"a\":[]}", "{\n" + new string(' ', 21) + "\"a\":[]}", "{\n\n\"a\":[]}");

        var compact = new GbnfMatcher(Convert(schema, new JsonSchemaGrammarOptions { AllowWhitespace = false }));
        Assert.True(compact.Matches("""{"a":[1,2]}"""));
        Assert.False(compact.Matches("""{"a": [1,2]}"""));
    }

    [Fact]
    public void RootRuleComesFirstAndEveryReferencedRuleIsDefined()
    {
        var gbnf = Convert("""{"type":"object","properties":{"a":{"type":"string"}}}""");
        Assert.StartsWith("root ::= ", gbnf, StringComparison.Ordinal);
        _ = new GbnfMatcher(gbnf); // throws on undefined or duplicate rules
    }
}
