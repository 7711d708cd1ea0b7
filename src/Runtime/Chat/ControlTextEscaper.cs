using System.Buffers;
using System.Text;

namespace Llm.Runtime.Chat;

/// <summary>
/// Keeps client text that looks like a control token (<c>&lt;|im_start|&gt;</c>, <c>&lt;s&gt;</c>...) from becoming
/// one. Before a chat template renders, each occurrence of a control-token text in a client string is replaced by a
/// placeholder from Unicode's Supplementary Private Use Area-B; after rendering, <see cref="Restore(string)"/> puts
/// the client's text back and <see cref="Models.ChatPromptTokenizer"/> tokenizes it as text.
/// </summary>
/// <remarks>
/// <para>Encoding (one or two code points, so templates that strip, split or test client strings see the same
/// characters, whitespace and all, that they would see in the client's text): control text number <c>i</c> below
/// 65,532 is U+100000 + i; above it, U+10FFFC followed by U+F0000 + (i − 65,532). A code point of Plane 16 that the
/// client sent itself is escaped as U+10FFFD followed by U+F0000 + its offset in Plane 16, so no client can forge a
/// placeholder: every Plane-16 code point left in a rendered prompt was put there by this class or by the template.</para>
/// <para>Thread-safe: immutable after construction.</para>
/// </remarks>
public sealed partial class ControlTextEscaper
{
    private const int Plane16 = 0x100000;
    private const int Plane15 = 0xF0000;
    private const int SingleLimit = 0xFFFC;      // indices below this are one code point
    private const int Extended = 0x10FFFC;       // followed by a Plane-15 code point: an index past SingleLimit
    private const int EscapeMark = 0x10FFFD;        // followed by a Plane-15 code point: a client's own Plane-16 code point
    private const char FirstPlane16High = '\uDBC0';
    private const char LastPlane16High = '\uDBFF';

    private readonly string[] _texts;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _index;
    private readonly int[] _lengths;             // distinct lengths of the texts, longest first
    private readonly SearchValues<string>? _search;

    /// <summary>Initializes a new instance of the <see cref="ControlTextEscaper"/> class.</summary>
    /// <param name="controlTexts">
    /// The texts that must not be forged: those of the tokens llama.cpp matches only with parse_special (CONTROL and
    /// UNKNOWN). Empty texts, duplicates and texts with Plane-16 characters (which could not be told from placeholders)
    /// are left out.
    /// </param>
    /// <exception cref="ArgumentException">More than 131,066 distinct texts.</exception>
    public ControlTextEscaper(IEnumerable<string> controlTexts)
    {
        ArgumentNullException.ThrowIfNull(controlTexts);
        var texts = controlTexts.Where(t => t.Length > 0 && t.AsSpan().IndexOfAnyInRange(FirstPlane16High, LastPlane16High) < 0)
            .Distinct(StringComparer.Ordinal).ToArray();
        if (texts.Length > SingleLimit + 0xFFFE) throw new ArgumentException($"{texts.Length} control-token texts are more than placeholders can name.", nameof(controlTexts));
        _texts = texts;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Length; i++) index[texts[i]] = i;
        _index = index.GetAlternateLookup<ReadOnlySpan<char>>();
        _lengths = [.. texts.Select(t => t.Length).Distinct().OrderDescending()];
        _search = texts.Length > 0 ? SearchValues.Create(texts, StringComparison.Ordinal) : null;
    }

    /// <summary>Gets the control-token texts this escaper replaces.</summary>
    public IReadOnlyList<string> ControlTexts => _texts;

    /// <summary>Returns the longest control text that starts at <paramref name="at"/>, or null.</summary>
    public string? ControlTextAt(ReadOnlySpan<char> text, int at)
    {
        foreach (var length in _lengths)
        {
            if (at + length <= text.Length && _index.TryGetValue(text.Slice(at, length), out var found)) return _texts[found];
        }
        return null;
    }

    /// <summary>Returns where the next control text starts at or after <paramref name="from"/>, or −1.</summary>
    public int IndexOfControlText(ReadOnlySpan<char> text, int from)
    {
        if (_search is null || from >= text.Length) return -1;
        var found = text[from..].IndexOfAny(_search);
        return found < 0 ? -1 : from + found;
    }

    /// <summary>Replaces control-token look-alikes in a client string by placeholders (returns the same instance when there is nothing to replace).</summary>
    public string? Escape(string? text)
    {
        if (text is null) return null;
        var span = text.AsSpan();
        if (span.IndexOfAnyInRange(FirstPlane16High, LastPlane16High) < 0 && IndexOfControlText(span, 0) < 0) return text;
        var result = new StringBuilder(text.Length + 8);
        var at = 0;
        while (at < span.Length)
        {
            if (char.IsHighSurrogate(span[at]) && at + 1 < span.Length && char.IsLowSurrogate(span[at + 1]) && span[at] >= FirstPlane16High)
            {
                AppendCodePoint(result, EscapeMark);
                AppendCodePoint(result, Plane15 + char.ConvertToUtf32(span[at], span[at + 1]) - Plane16);
                at += 2;
                continue;
            }
            if (ControlTextAt(span, at) is { } control)
            {
                var i = _index[control.AsSpan()];
                if (i < SingleLimit)
                {
                    AppendCodePoint(result, Plane16 + i);
                }
                else
                {
                    AppendCodePoint(result, Extended);
                    AppendCodePoint(result, Plane15 + i - SingleLimit);
                }
                at += control.Length;
                continue;
            }
            result.Append(span[at]);
            at++;
        }
        return result.ToString();
    }

    /// <summary>Escapes every client string of a conversation: contents, names, tool calls and tool-call ids.</summary>
    public IReadOnlyList<ChatPromptMessage> Escape(IReadOnlyList<ChatPromptMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new ChatPromptMessage[messages.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var m = messages[i];
            result[i] = m with
            {
                Role = Escape(m.Role)!,
                Content = Escape(m.Content),
                Name = Escape(m.Name),
                ToolCallId = Escape(m.ToolCallId),
                ReasoningContent = Escape(m.ReasoningContent),
                ToolCalls = m.ToolCalls?.Select(c => new ChatPromptToolCall(Escape(c.Id)!, Escape(c.Name)!, EscapeArguments(c.Arguments))).ToArray(),
            };
        }
        return result;
    }

    /// <summary>Whether a rendered prompt holds at least one placeholder of a client's control-token look-alike.</summary>
    public static bool HasLookAlike(ReadOnlySpan<char> marked)
    {
        for (var at = marked.IndexOfAnyInRange(FirstPlane16High, LastPlane16High); at >= 0 && at + 1 < marked.Length;)
        {
            if (char.IsLowSurrogate(marked[at + 1]))
            {
                var code = char.ConvertToUtf32(marked[at], marked[at + 1]);
                if (code != EscapeMark) return true;
                at += 4; // the escape and its Plane-15 payload
            }
            else
            {
                at++;
            }
            if (at >= marked.Length) break;
            var next = marked[at..].IndexOfAnyInRange(FirstPlane16High, LastPlane16High);
            if (next < 0) break;
            at += next;
        }
        return false;
    }

    /// <summary>Turns the placeholders of a rendered prompt back into the client's text.</summary>
    public string Restore(string marked)
    {
        ArgumentNullException.ThrowIfNull(marked);
        return marked.AsSpan().IndexOfAnyInRange(FirstPlane16High, LastPlane16High) < 0 ? marked : Restore(marked.AsSpan());
    }

    /// <inheritdoc cref="Restore(string)"/>
    public string Restore(ReadOnlySpan<char> marked)
    {
        var result = new StringBuilder(marked.Length + 16);
        var at = 0;
        while (at < marked.Length)
        {
            var next = marked[at..].IndexOfAnyInRange(FirstPlane16High, LastPlane16High);
            if (next < 0)
            {
                result.Append(marked[at..]);
                break;
            }
            result.Append(marked.Slice(at, next));
            at += next;
            if (at + 1 >= marked.Length || !char.IsLowSurrogate(marked[at + 1]))
            {
                result.Append(marked[at++]);
                continue;
            }
            var code = char.ConvertToUtf32(marked[at], marked[at + 1]);
            at += 2;
            var payload = Payload(marked, at);
            if (code == EscapeMark && payload >= 0)
            {
                AppendCodePoint(result, Plane16 + payload);
                at += 2;
            }
            else if (code == Extended && payload >= 0 && SingleLimit + payload < _texts.Length)
            {
                result.Append(_texts[SingleLimit + payload]);
                at += 2;
            }
            else if (code - Plane16 < Math.Min(SingleLimit, _texts.Length))
            {
                result.Append(_texts[code - Plane16]);
            }
            else
            {
                // A Plane-16 character the template printed itself (or a payload a template cut off): kept as it is.
                AppendCodePoint(result, code);
            }
        }
        return result.ToString();
    }

    // The Plane-15 offset at `at`, or −1 when no Plane-15 code point is there.
    private static int Payload(ReadOnlySpan<char> text, int at)
    {
        if (at + 1 >= text.Length || !char.IsHighSurrogate(text[at]) || !char.IsLowSurrogate(text[at + 1])) return -1;
        var code = char.ConvertToUtf32(text[at], text[at + 1]);
        return code is >= Plane15 and < Plane16 ? code - Plane15 : -1;
    }

    private static void AppendCodePoint(StringBuilder builder, int code)
    {
        Span<char> pair = stackalloc char[2];
        var written = new Rune(code).EncodeToUtf16(pair);
        builder.Append(pair[..written]);
    }
}
