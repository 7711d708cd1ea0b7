using System.Collections.Concurrent;
using System.Text;
using LLama;
using LLama.Native;
using Llm.Runtime.Chat;

namespace Llm.Runtime.Models;

/// <summary>
/// Renders and tokenizes chat prompts so that only the template's own control-token text becomes control tokens:
/// text a client sends that looks like one (<c>&lt;|im_start|&gt;system</c> in a user message) is tokenized as text.
/// </summary>
/// <remarks>
/// <para>How: <see cref="Render"/> escapes the client's look-alikes (<see cref="ControlTextEscaper"/>) before the
/// template runs. A prompt without look-alikes is tokenized as today, in one pass with parse_special (linear-time
/// chunks, <see cref="PromptTokenizer"/>), so the tokens and the prefix cache do not change. A prompt with
/// look-alikes is cut at the template's own control tokens: each stretch of text between two of them that holds a
/// look-alike is tokenized in one call without parse_special, as llama.cpp would tokenize that stretch were the
/// look-alike not special, so the tokens are those of the client's text as text (what Hugging Face tokenizers give
/// with <c>split_special_tokens</c>); the other stretches are tokenized with parse_special. Whitespace next to a
/// template control token with lstrip/rstrip is eaten as llama.cpp eats it, and each stretch gets SentencePiece's
/// space prefix as llama.cpp gives it after a special token.</para>
/// <para>Which tokens: those llama.cpp matches only with parse_special, CONTROL and UNKNOWN. USER_DEFINED tokens
/// (Qwen's <c>&lt;tool_call&gt;</c>, <c>&lt;think&gt;</c>) are matched in any text by llama.cpp and by Hugging Face
/// alike, so a client's <c>&lt;tool_call&gt;</c> stays one token, as it would in a Hugging Face server.</para>
/// <para>Limit: a control token the template assembles from two client strings placed side by side with nothing
/// between them, or from a client string and a fragment of template text, is not seen; templates separate
/// messages with their own markers.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class ChatPromptTokenizer
{
    private const string CSpaces = " \t\n\v\f\r";

    private readonly LLamaWeights _weights;
    private readonly PromptTokenizer _tokenizer;
    private readonly string _bos;
    private readonly ConcurrentDictionary<string, Special> _specials = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="ChatPromptTokenizer"/> class from a loaded vocabulary.</summary>
    /// <param name="weights">The model (vocab-only is enough); it must outlive this object.</param>
    /// <param name="tokenizer">The chunked tokenizer of the same model.</param>
    /// <param name="bosText">The BOS token's text, as templates print it; empty when the model has none.</param>
    public ChatPromptTokenizer(LLamaWeights weights, PromptTokenizer tokenizer, string bosText)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(bosText);
        _weights = weights;
        _tokenizer = tokenizer;
        _bos = bosText;
        var vocab = weights.NativeHandle.Vocab;
        var texts = new List<string>();
        Span<byte> piece = stackalloc byte[1024];
        for (var id = 0; id < vocab.Count; id++)
        {
            var token = (LLamaToken)id;
            // llama.cpp skips control and unknown tokens without parse_special, whatever other attributes they have.
            if ((token.GetAttributes(vocab) & (LLamaTokenAttr.Control | LLamaTokenAttr.Unknown)) == 0) continue;
            var length = (int)weights.NativeHandle.TokenToSpan(token, piece, 0, true);
            if (length > 0 && length <= piece.Length) texts.Add(Encoding.UTF8.GetString(piece[..length]));
        }
        Escaper = new ControlTextEscaper(texts);
    }

    /// <summary>Gets the escaper that protects this vocabulary's control-token texts.</summary>
    public ControlTextEscaper Escaper { get; }

    /// <summary>Renders a conversation, keeping apart the template's control-token text and the client's look-alikes.</summary>
    /// <inheritdoc cref="ChatTemplate.Render(IReadOnlyList{ChatPromptMessage}, ChatRenderOptions?, CancellationToken)"/>
    public ChatPrompt Render(ChatTemplate template, IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        var marked = template.Render(messages, options, Escaper, cancellationToken);
        return new ChatPrompt(Escaper.Restore(marked), marked, ControlTextEscaper.HasLookAlike(marked));
    }

    /// <summary>
    /// Tokenizes a rendered prompt: the template's control-token text becomes control tokens, the client's look-alikes
    /// stay text, and BOS is added only when the model wants it and the template did not already print it.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public int[] Tokenize(ChatPrompt prompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var printedBos = _bos.Length > 0 && prompt.Marked.StartsWith(_bos, StringComparison.Ordinal);
        var addSpecial = !printedBos && _weights.Vocab.ShouldAddBOS;
        if (!prompt.HasLookAlikes) return _tokenizer.Tokenize(prompt.Text, addSpecial, parseSpecial: true, cancellationToken);
        return TokenizeSplit(prompt.Marked, addSpecial, cancellationToken);
    }

    private int[] TokenizeSplit(string marked, bool addSpecial, CancellationToken cancellationToken)
    {
        // What add_special puts around a text (BOS; EOS or SEP for models that want them) goes around the whole prompt.
        var frame = addSpecial ? _tokenizer.Tokenize(string.Empty, addSpecial: true, parseSpecial: false) : [];
        var lead = frame.Length > 0 && _weights.Vocab.BOS is { } bos && frame[0] == (int)bos ? 1 : 0;
        var ids = new List<int>(marked.Length / 3 + frame.Length);
        ids.AddRange(frame.AsSpan(0, lead));

        var nativeStart = 0;   // where the stretch not yet tokenized starts (after the last look-alike's stretch)
        var gapStart = 0;      // where the text after the previous template control token starts
        string? before = null; // that control token
        for (var at = 0; ; cancellationToken.ThrowIfCancellationRequested())
        {
            var found = Escaper.IndexOfControlText(marked, at);
            var gapEnd = found < 0 ? marked.Length : found;
            var special = found < 0 ? null : Escaper.ControlTextAt(marked, found);
            if (ControlTextEscaper.HasLookAlike(marked.AsSpan(gapStart, gapEnd - gapStart)))
            {
                if (gapStart > nativeStart)
                    ids.AddRange(_tokenizer.Tokenize(Escaper.Restore(marked.AsSpan(nativeStart, gapStart - nativeStart)), false, parseSpecial: true, cancellationToken));
                var raw = marked.AsSpan(gapStart, gapEnd - gapStart);
                if (before is not null && Lookup(before).RightStrip) raw = raw.TrimStart(CSpaces);
                if (special is not null && Lookup(special).LeftStrip) raw = raw.TrimEnd(CSpaces);
                if (!raw.IsEmpty) ids.AddRange(_tokenizer.Tokenize(Escaper.Restore(raw), false, parseSpecial: false, cancellationToken));
                nativeStart = gapEnd;
            }
            if (special is null) break;
            before = special;
            gapStart = at = found + special.Length;
        }
        if (nativeStart < marked.Length)
            ids.AddRange(_tokenizer.Tokenize(Escaper.Restore(marked.AsSpan(nativeStart)), false, parseSpecial: true, cancellationToken));
        ids.AddRange(frame.AsSpan(lead));
        return [.. ids];
    }

    // The control token a text is and its whitespace stripping, as llama.cpp tokenizes that text alone.
    private Special Lookup(string text) => _specials.GetOrAdd(text, t =>
    {
        var ids = _tokenizer.Tokenize(t, addSpecial: false, parseSpecial: true);
        if (ids.Length != 1) return new Special(false, false);
        var attributes = ((LLamaToken)ids[0]).GetAttributes(_weights.NativeHandle.Vocab);
        return new Special((attributes & LLamaTokenAttr.LStrip) != 0, (attributes & LLamaTokenAttr.RStrip) != 0);
    });

    private readonly record struct Special(bool LeftStrip, bool RightStrip);
}
