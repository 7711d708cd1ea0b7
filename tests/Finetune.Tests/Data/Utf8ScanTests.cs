using System.Text;
using Llm.Finetune.Data;

namespace Llm.Finetune.Tests.Data;

public class Utf8ScanTests
{
    [Theory]
    [InlineData(65_535)]
    [InlineData(65_534)]
    [InlineData(65_533)]
    [InlineData(131_071)]
    public void ValidTextIsValidWhereverAMultiByteCharacterMeetsAChunkEdge(int asciiBefore)
    {
        // "€" is 3 bytes and "🦙" 4: placed so that they straddle the scanner's 64 KiB reads.
        var text = new string('a', asciiBefore) + "€🦙\nx,label\n";
        Assert.Null(Utf8Scan.FindInvalid(new MemoryStream(Encoding.UTF8.GetBytes(text))));
    }

    [Fact]
    public void TheFirstInvalidByteIsFoundWithItsLineAndOffsets()
    {
        byte[] content = [.. "x,label\n1,a\n"u8, .. new byte[100_000].Select(_ => (byte)'b'), .. "\n2,"u8, 0xFF, .. "c\n"u8];
        var invalid = Utf8Scan.FindInvalid(new MemoryStream(content))!;
        Assert.Equal(4, invalid.Line);
        Assert.Equal(2, invalid.ByteInLine);
        Assert.Equal(content.Length - 3, invalid.Offset);
        Assert.Equal(0xFF, invalid.Byte);
        Assert.Contains("line 4", invalid.ToException().Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xE2, 0x82 })]              // cut off by the end
    [InlineData(new byte[] { 0xC0, 0xAF })]              // overlong
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]        // a surrogate encoded as UTF-8
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]  // past U+10FFFF
    public void EveryKindOfInvalidSequenceIsFound(byte[] bad)
    {
        var invalid = Utf8Scan.FindInvalid(new MemoryStream([.. "ok\n"u8, .. bad]));
        Assert.NotNull(invalid);
        Assert.Equal(2, invalid.Line);
        Assert.Equal(3, invalid.Offset);
    }
}
