using Llm.Runtime.Inference;

namespace Llm.Runtime.Tests.Inference;

public sealed class StopMatcherTests
{
    private static (string Emitted, bool Stopped) Run(string[] stops, params string[] pieces)
    {
        var matcher = new StopMatcher(stops);
        var emitted = string.Concat(pieces.Select(matcher.Push));
        return (emitted + matcher.Flush(), matcher.Stopped);
    }

    [Fact]
    public void StopSplitAcrossPiecesIsFoundAndNotEmitted()
    {
        var (emitted, stopped) = Run(["END"], "hello E", "N", "D and more");
        Assert.True(stopped);
        Assert.Equal("hello ", emitted);
    }

    [Fact]
    public void PartialMatchIsHeldBackThenReleasedWhenItDiverges()
    {
        var matcher = new StopMatcher(["STOP"]);
        Assert.Equal("ab", matcher.Push("abST"));
        Assert.Equal("STx", matcher.Push("x"));
        Assert.False(matcher.Stopped);
    }

    [Fact]
    public void HeldBackTextIsFlushedAtTheEnd()
    {
        var (emitted, stopped) = Run(["</s>"], "answer <", "/");
        Assert.False(stopped);
        Assert.Equal("answer </", emitted);
    }

    [Fact]
    public void EarliestOfSeveralStopsWins()
    {
        var (emitted, _) = Run(["c", "ab"], "xabc");
        Assert.Equal("x", emitted);
    }

    [Fact]
    public void MultiByteCharactersInStopsMatchWhole()
    {
        var (emitted, stopped) = Run(["日本"], "こんにちは日", "本語");
        Assert.True(stopped);
        Assert.Equal("こんにちは", emitted);
    }

    [Fact]
    public void NothingIsEmittedAfterAStop()
    {
        var matcher = new StopMatcher(["x"]);
        Assert.Equal("a", matcher.Push("axb"));
        Assert.Equal(string.Empty, matcher.Push("more"));
        Assert.Equal(string.Empty, matcher.Flush());
    }

    [Fact]
    public void WithoutStopsTextPassesStraightThrough()
    {
        var matcher = new StopMatcher([]);
        Assert.Equal("abc", matcher.Push("abc"));
    }
}
