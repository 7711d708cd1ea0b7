using System.Text;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Tests.Inference;

public sealed class TokenTextDecoderTests
{
    [Fact]
    public void MultiByteCharacterSplitAcrossTokensIsEmittedWhole()
    {
        var bytes = Encoding.UTF8.GetBytes("é😀");
        var decoder = new TokenTextDecoder();
        var pieces = bytes.Select(b => decoder.Push([b])).ToList();
        Assert.Equal(["", "é", "", "", "", "😀"], pieces);
        Assert.Equal(string.Empty, decoder.Flush());
    }

    [Fact]
    public void DanglingPartialCharacterBecomesReplacementAtTheEnd()
    {
        var decoder = new TokenTextDecoder();
        Assert.Equal("a", decoder.Push([(byte)'a', 0xE6, 0x97]));
        Assert.Equal("\uFFFD", decoder.Flush());
    }

    [Fact]
    public void InvalidBytesBecomeReplacementCharacters()
    {
        var decoder = new TokenTextDecoder();
        Assert.Equal("\uFFFDok", decoder.Push([0xFF, (byte)'o', (byte)'k']));
    }
}
