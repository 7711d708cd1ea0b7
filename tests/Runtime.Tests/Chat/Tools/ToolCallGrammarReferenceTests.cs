using System.Text.Json;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Tests.Grammar;

namespace Llm.Runtime.Tests.Chat.Tools;

/// <summary>
/// A tool's parameters may use <c>$ref</c> into their own <c>$defs</c> (or <c>#</c> for recursion): the forced-call
/// grammar embeds each tool's schema in a wrapper, and its references must still land inside that tool's schema.
/// </summary>
public sealed class ToolCallGrammarReferenceTests
{
    private static JsonElement Tool(string name, string parameters) =>
        JsonDocument.Parse("{\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"parameters\":" + parameters + "}}").RootElement;

    private static bool Matches(string gbnfAndRoot, string root, string text) => new GbnfMatcher(gbnfAndRoot).Matches(text, root);

    [Fact]
    public void References_resolve_within_each_tools_own_schema()
    {
        var tools = new[]
        {
            Tool("f", """{"type":"object","properties":{"x":{"$ref":"#/$defs/t"}},"required":["x"],"$defs":{"t":{"type":"string","maxLength":3}}}"""),
            Tool("g", """{"type":"object","properties":{"y":{"$ref":"#/$defs/t"}},"required":["y"],"$defs":{"t":{"type":"integer"}}}"""),
        };
        var grammar = ToolCallGrammar.Build(tools, ToolCallFormat.Hermes, null, parallel: false);
        Assert.True(Matches(grammar.Gbnf, grammar.Root, "<tool_call>\n{\"name\":\"f\",\"arguments\":{\"x\":\"abc\"}}\n</tool_call>"), grammar.Gbnf);
        Assert.True(Matches(grammar.Gbnf, grammar.Root, "<tool_call>\n{\"name\":\"g\",\"arguments\":{\"y\":42}}\n</tool_call>"), grammar.Gbnf);
        // Each tool's 't' is its own: f's is a short string, g's an integer.
        Assert.False(Matches(grammar.Gbnf, grammar.Root, "<tool_call>\n{\"name\":\"f\",\"arguments\":{\"x\":42}}\n</tool_call>"));
        Assert.False(Matches(grammar.Gbnf, grammar.Root, "<tool_call>\n{\"name\":\"f\",\"arguments\":{\"x\":\"abcd\"}}\n</tool_call>"));
        Assert.False(Matches(grammar.Gbnf, grammar.Root, "<tool_call>\n{\"name\":\"g\",\"arguments\":{\"y\":\"abc\"}}\n</tool_call>"));
    }

    [Fact]
    public void A_recursive_reference_to_the_tools_root_recurses_into_its_arguments()
    {
        var tools = new[] { Tool("tree", """{"type":"object","properties":{"label":{"type":"string"},"kids":{"type":"array","items":{"$ref":"#"}}},"required":["label"]}""") };
        var grammar = ToolCallGrammar.Build(tools, ToolCallFormat.Hermes, "tree", parallel: false);
        Assert.True(Matches(grammar.Gbnf, grammar.Root, "<tool_call>\n{\"name\":\"tree\",\"arguments\":{\"label\":\"a\",\"kids\":[{\"label\":\"b\"}]}}\n</tool_call>"), grammar.Gbnf);
        Assert.False(Matches(grammar.Gbnf, grammar.Root, "<tool_call>\n{\"name\":\"tree\",\"arguments\":{\"label\":\"a\",\"kids\":[{\"name\":\"tree\"}]}}\n</tool_call>"));
    }

    [Fact]
    public void Data_that_looks_like_a_reference_is_left_alone_and_named_definitions_are_still_schemas()
    {
        var tools = new[] { Tool("f", """{"type":"object","properties":{"c":{"const":{"$ref":"#/x"}},"d":{"$ref":"#/$defs/const"}},"required":["c","d"],"$defs":{"const":{"enum":[1,2]}}}""") };
        var grammar = ToolCallGrammar.Build(tools, ToolCallFormat.Hermes, null, parallel: false);
        Assert.True(Matches(grammar.Gbnf, grammar.Root, "<tool_call>\n{\"name\":\"f\",\"arguments\":{\"c\":{\"$ref\":\"#/x\"},\"d\":2}}\n</tool_call>"), grammar.Gbnf);
    }
}
