using Llm.Runtime.Chat.Tools;

namespace Llm.Runtime.Tests.Chat.Tools;

public sealed class ToolCallStreamFilterTests
{
    private static (string Streamed, ParsedOutput End) Run(ToolCallFormat format, params string[] pieces)
    {
        var filter = new ToolCallStreamFilter(format);
        var streamed = string.Concat(pieces.Select(filter.Push));
        return (streamed, filter.Finish());
    }

    [Fact]
    public void ContentStreamsUntilTheMarkerThenTheCallIsHeldWhole()
    {
        var (streamed, end) = Run(ToolCallFormat.Hermes, "Sure", ", one moment. <to", "ol_call>{\"name\": \"f\", ", "\"arguments\": {\"a\": 1}}</tool_call>");
        Assert.Equal("Sure, one moment. ", streamed);
        Assert.Equal(new ParsedToolCall("f", """{"a":1}"""), Assert.Single(end.Calls));
    }

    [Fact]
    public void APartialMarkerThatDivergesIsReleased()
    {
        var (streamed, end) = Run(ToolCallFormat.Hermes, "a <to", "day");
        Assert.Equal("a <today", streamed + end.Content);
        Assert.Empty(end.Calls);
    }

    [Fact]
    public void Llama3JsonIsCapturedFromTheFirstBrace()
    {
        var (streamed, end) = Run(ToolCallFormat.Llama3Json, " ", "{\"name\": \"f\",", " \"parameters\": {}}");
        Assert.Equal(string.Empty, streamed);
        Assert.Equal("f", Assert.Single(end.Calls).Name);

        var (plain, rest) = Run(ToolCallFormat.Llama3Json, "Hello", " {there}");
        Assert.Equal("Hello {there}", plain + rest.Content);
        Assert.Empty(rest.Calls);
    }

    [Fact]
    public void CapturedTextThatIsNotACallComesBackAsContent()
    {
        var (streamed, end) = Run(ToolCallFormat.Hermes, "x <tool_call> oops");
        Assert.Equal("x ", streamed);
        Assert.Equal("<tool_call> oops", end.Content);
        Assert.Empty(end.Calls);
    }
}
