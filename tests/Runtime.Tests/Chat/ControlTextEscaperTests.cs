using Llm.Runtime.Chat;

namespace Llm.Runtime.Tests.Chat;

public sealed class ControlTextEscaperTests
{
    [Fact]
    public void VocabulariesWithMoreTextsThanOneCodePointCanNameRoundTrip()
    {
        var escaper = new ControlTextEscaper(Enumerable.Range(0, 70_000).Select(i => $"<c{i}>"));
        const string Text = "a<c69999>b<c5><c65532>\U00100000c";
        var escaped = escaper.Escape(Text)!;
        Assert.DoesNotContain("<c", escaped);
        Assert.Equal(Text, escaper.Restore(escaped));
        Assert.True(ControlTextEscaper.HasLookAlike(escaped));
        Assert.False(ControlTextEscaper.HasLookAlike(escaper.Escape("\U00100000\U0010FFFD x")));
        var clean = "no look-alike here";
        Assert.Same(clean, escaper.Escape(clean));
    }
}
