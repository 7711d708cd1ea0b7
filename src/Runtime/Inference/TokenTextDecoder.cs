using System.Text;

namespace Llm.Runtime.Inference;

/// <summary>
/// Turns the bytes of successive tokens into text without ever splitting a multi-byte UTF-8 character:
/// bytes of an incomplete character wait for the next token. Invalid sequences become U+FFFD.
/// </summary>
/// <remarks>Not thread-safe: one instance per sequence.</remarks>
public sealed class TokenTextDecoder
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private char[] _chars = new char[64];

    /// <summary>Decodes the bytes of one token and returns the text completed by them (possibly empty).</summary>
    public string Push(ReadOnlySpan<byte> tokenBytes) => Decode(tokenBytes, flush: false);

    /// <summary>Returns what is left at the end of the stream (U+FFFD for a dangling partial character).</summary>
    public string Flush() => Decode(ReadOnlySpan<byte>.Empty, flush: true);

    private string Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        var needed = _decoder.GetCharCount(bytes, flush);
        if (needed > _chars.Length) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        var written = _decoder.GetChars(bytes, _chars, flush);
        return written == 0 ? string.Empty : new string(_chars, 0, written);
    }
}
