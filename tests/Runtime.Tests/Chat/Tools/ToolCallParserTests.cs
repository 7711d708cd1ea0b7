using Llm.Runtime.Chat.Tools;

namespace Llm.Runtime.Tests.Chat.Tools;

public sealed class ToolCallParserTests
{
    [Fact]
    public void HermesBlocksBecomeCallsAndTheRestStaysContent()
    {
        var output = ToolCallParser.Parse("Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>{\"name\": \"get_time\", \"arguments\": {\"tz\": \"CET\"}}</tool_call>", ToolCallFormat.Hermes);
        Assert.Equal("Let me check.", output.Content);
        Assert.Equal([new ParsedToolCall("get_weather", """{"city":"Paris"}"""), new ParsedToolCall("get_time", """{"tz":"CET"}""")], output.Calls);
    }

    [Fact]
    public void AClosingMarkerInsideAnArgumentStringDoesNotEndTheCall()
    {
        const string text = "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"city\": \"a</tool_call>b\"}}\n</tool_call>";
        var output = ToolCallParser.Parse(text, ToolCallFormat.Hermes);
        var call = Assert.Single(output.Calls);
        Assert.Equal("f", call.Name);
        Assert.Equal("{\"city\":\"a</tool_call>b\"}", call.Arguments);
        Assert.True(string.IsNullOrEmpty(output.Content));

        var filter = new ToolCallStreamFilter(ToolCallFormat.Hermes);
        foreach (var piece in text.Chunk(5)) Assert.Equal(string.Empty, filter.Push(new string(piece)));
        Assert.Equal("{\"city\":\"a</tool_call>b\"}", Assert.Single(filter.Finish().Calls).Arguments);
    }

    [Fact]
    public void UnclosedHermesBlockAtTheEndStillParses()
    {
        var output = ToolCallParser.Parse("<tool_call>{\"name\": \"f\", \"arguments\": {}}", ToolCallFormat.Hermes);
        Assert.Null(output.Content);
        Assert.Equal("f", Assert.Single(output.Calls).Name);
    }

    [Fact]
    public void Llama3BareJsonWithParameters()
    {
        var output = ToolCallParser.Parse("<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", ToolCallFormat.Llama3Json);
        Assert.Equal(new ParsedToolCall("get_weather", """{"city":"Paris"}"""), Assert.Single(output.Calls));
        Assert.Equal(2, ToolCallParser.Parse("{\"name\": \"a\", \"parameters\": {}}; {\"name\": \"b\", \"parameters\": {\"x\": 1}}", ToolCallFormat.Llama3Json).Calls.Count);
    }

    [Fact]
    public void MistralListWithStringArguments()
    {
        var output = ToolCallParser.Parse("[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\", \"id\": \"abcdefghi\"}]", ToolCallFormat.Mistral);
        Assert.Equal(new ParsedToolCall("get_weather", """{"city":"Paris"}"""), Assert.Single(output.Calls));
    }

    [Fact]
    public void CommandRActionList()
    {
        var output = ToolCallParser.Parse("<|START_ACTION|>[{\"tool_call_id\": \"0\", \"tool_name\": \"search\", \"parameters\": {\"q\": \"x\"}}]<|END_ACTION|>", ToolCallFormat.CommandR);
        Assert.Equal(new ParsedToolCall("search", """{"q":"x"}"""), Assert.Single(output.Calls));
    }

    [Theory]
    [InlineData("The syntax is <tool_call>{name}</tool_call>, see?", ToolCallFormat.Hermes)]
    [InlineData("{\"not\": \"a call\"}", ToolCallFormat.Llama3Json)]
    [InlineData("[TOOL_CALLS] nonsense", ToolCallFormat.Mistral)]
    [InlineData("plain answer", ToolCallFormat.Hermes)]
    public void TextThatIsNotAValidCallStaysText(string text, ToolCallFormat format)
    {
        var output = ToolCallParser.Parse(text, format);
        Assert.Empty(output.Calls);
        Assert.Equal(text, output.Content);
    }

    [Fact]
    public void FormatsAreDetectedFromTheSharedTemplates()
    {
        Assert.Equal(ToolCallFormat.Hermes, ToolCallFormats.Detect(SharedTemplates.Read("Qwen-Qwen2.5-7B-Instruct.jinja")));
        Assert.Equal(ToolCallFormat.Hermes, ToolCallFormats.Detect(SharedTemplates.Read("NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja")));
        Assert.Equal(ToolCallFormat.Llama3Json, ToolCallFormats.Detect(SharedTemplates.Read("meta-llama-Llama-3.1-8B-Instruct.jinja")));
        Assert.Equal(ToolCallFormat.Mistral, ToolCallFormats.Detect(SharedTemplates.Read("mistralai-Mistral-Nemo-Instruct-2407.jinja")));
        Assert.Equal(ToolCallFormat.CommandR, ToolCallFormats.Detect(SharedTemplates.Read("CohereForAI-c4ai-command-r7b-12-2024-tool_use.jinja")));
    }
}
