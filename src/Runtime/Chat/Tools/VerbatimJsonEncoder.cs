using System.Text.Encodings.Web;

namespace Llm.Runtime.Chat.Tools;

/// <summary>
/// A JSON string encoder that escapes only what JSON requires (<c>"</c>, <c>\</c>, control characters, lone
/// surrogates), so tool-call arguments keep the model's text as it is (<c>'</c>, <c>鸭</c>, emoji), as OpenAI and
/// llama-server send them. The built-in encoders escape more: even <c>UnsafeRelaxedJsonEscaping</c> writes
/// characters outside the BMP as <c>\uXXXX</c> pairs.
/// </summary>
internal sealed class VerbatimJsonEncoder : JavaScriptEncoder
{
    public static readonly VerbatimJsonEncoder Instance = new();

    private VerbatimJsonEncoder()
    {
    }

    // "\uXXXX" is the longest escape written for one character.
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar)
        => unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\' || unicodeScalar is >= 0xD800 and <= 0xDFFF;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
                continue;
            }
            if (WillEncode(c)) return i;
        }
        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var output = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            if (!new System.Text.Rune(unicodeScalar).TryEncodeToUtf16(output, out numberOfCharactersWritten)) return false;
            return true;
        }
        var escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => $"\\u{unicodeScalar:X4}",
        };
        numberOfCharactersWritten = 0;
        if (!escape.AsSpan().TryCopyTo(output)) return false;
        numberOfCharactersWritten = escape.Length;
        return true;
    }
}
