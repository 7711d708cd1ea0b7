using System.Buffers;
using System.Text;
using LLama;
using LLama.Native;

namespace Llm.Runtime.Models;

/// <summary>
/// Tokenizes long texts in linear time and observably: the text is cut into chunks at special-token boundaries,
/// each chunk goes to llama.cpp on its own, and cancellation is checked between chunks. Also gives a lower bound
/// on a text's token count from its byte length, so a prompt that cannot fit is refused before it is tokenized.
/// </summary>
/// <remarks>
/// <para>Why chunks: llama.cpp splits a text at special tokens (<c>tokenizer_st_partition</c>) by searching, for
/// each special token of the vocabulary, every fragment up to the end of the whole text. With F fragments, a text
/// of B bytes costs O(specials × F × B), quadratic in the number of special tokens in the prompt: 100,000 one-word
/// chat messages (200,000 <c>&lt;|im_start|&gt;</c>/<c>&lt;|im_end|&gt;</c>) took minutes. llama.cpp tokenizes the
/// fragments between special tokens independently (SPM adds its space prefix after each special token, as it does
/// at the start of a text), so cutting right after a special token that llama.cpp itself would split at (no other
/// special token's occurrence straddles the cut; after a token with <c>rstrip</c>, past the whitespace it eats)
/// gives the same tokens as one call.</para>
/// <para>Why the bound holds: every token produced from a raw fragment covers at most as many input bytes as its
/// own text has (SPM writes a space as the 3-byte "▁", byte-level BPE writes each byte as a 1- or 2-byte
/// character, byte-fallback tokens cover one byte), and a special token covers exactly its text. So a text of B
/// bytes has at least B / M tokens, M being the longest token text in the vocabulary. Two exceptions: WordPiece and
/// Unigram map a whole unknown word (or, after whitespace normalisation, any run of spaces) to one token, so no
/// bound is given for them; and a special token with <c>lstrip</c>/<c>rstrip</c> eats neighbouring whitespace, so
/// for vocabularies that have one only non-whitespace bytes are counted.</para>
/// <para>Thread-safe: immutable after construction but for an atomic counter; llama.cpp's tokenizer is safe to call concurrently.</para>
/// </remarks>
public sealed class PromptTokenizer
{
    /// <summary>The default chunk length in UTF-16 characters: small enough that the per-chunk quadratic term is negligible.</summary>
    public const int DefaultChunkChars = 4096;

    private readonly LLamaWeights _weights;
    private readonly string[] _parsedSpecials;   // split at when parse_special is on: control, user-defined, unknown
    private readonly string[] _alwaysSpecials;   // split at even when it is off: user-defined
    private readonly SearchValues<string>? _parsedSearch;
    private readonly SearchValues<string>? _alwaysSearch;
    private readonly bool _singleCallWithSpecial;
    private readonly bool _stripsWhitespace;
    private readonly bool _anyLeftStrip;
    private readonly HashSet<string> _rightStrip = new(StringComparer.Ordinal);
    private readonly int _chunkChars;
    private long _charactersTokenized;
    private int _longestCall;

    /// <summary>Initializes a new instance of the <see cref="PromptTokenizer"/> class from a loaded model's vocabulary.</summary>
    /// <param name="weights">The model; it must outlive this object.</param>
    /// <param name="chunkChars">The target chunk length in characters (tests make it small to compare chunked with whole).</param>
    public PromptTokenizer(LLamaWeights weights, int chunkChars = DefaultChunkChars)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkChars, 1);
        _weights = weights;
        _chunkChars = chunkChars;
        var vocab = weights.NativeHandle.Vocab;
        var parsed = new HashSet<string>(StringComparer.Ordinal);
        var always = new HashSet<string>(StringComparer.Ordinal);
        var longest = 0;
        Span<byte> piece = stackalloc byte[1024];
        for (var id = 0; id < vocab.Count; id++)
        {
            var token = (LLamaToken)id;
            var length = (int)weights.NativeHandle.TokenToSpan(token, piece, 0, true);
            longest = Math.Max(longest, length);
            var attributes = token.GetAttributes(vocab);
            if ((attributes & (LLamaTokenAttr.LStrip | LLamaTokenAttr.RStrip)) != 0) _stripsWhitespace = true;
            if ((attributes & LLamaTokenAttr.LStrip) != 0) _anyLeftStrip = true;
            if ((attributes & (LLamaTokenAttr.Control | LLamaTokenAttr.UserDefined | LLamaTokenAttr.Unknown)) == 0 || length <= 0 || length > piece.Length) continue;
            var text = Encoding.UTF8.GetString(piece[..length]);
            parsed.Add(text);
            if ((attributes & LLamaTokenAttr.RStrip) != 0) _rightStrip.Add(text);
            // llama.cpp skips control and unknown tokens without parse_special, whatever other attributes they have.
            if ((attributes & (LLamaTokenAttr.Control | LLamaTokenAttr.Unknown)) == 0) always.Add(text);
        }
        _parsedSpecials = [.. parsed];
        _alwaysSpecials = [.. always];
        _parsedSearch = _parsedSpecials.Length > 0 ? SearchValues.Create(_parsedSpecials, StringComparison.Ordinal) : null;
        _alwaysSearch = _alwaysSpecials.Length > 0 ? SearchValues.Create(_alwaysSpecials, StringComparison.Ordinal) : null;
        // WordPiece adds CLS and SEP, and models that add EOS add it after the last fragment: one call keeps them in place.
        _singleCallWithSpecial = vocab.ShouldAddEOS || vocab.Type == LLamaVocabType.WordPiece;
        MaxTokenBytes = vocab.Type is LLamaVocabType.SentencePiece or LLamaVocabType.BytePairEncoding or LLamaVocabType.RWKV
            ? Math.Max(longest, 4)  // an unknown character (at most 4 UTF-8 bytes) may become one token
            : 0;
    }

    /// <summary>Gets the longest token text in UTF-8 bytes, or 0 when the vocabulary gives no byte bound (WordPiece, Unigram).</summary>
    public int MaxTokenBytes { get; }

    /// <summary>Gets how many characters have been handed to llama.cpp's tokenizer so far (a measure of the CPU spent on it).</summary>
    public long CharactersTokenized => Interlocked.Read(ref _charactersTokenized);

    /// <summary>Gets the most characters handed to llama.cpp in one call so far: what bounds the cost of its special-token search.</summary>
    public int LongestCall => Volatile.Read(ref _longestCall);

    /// <summary>Returns a lower bound on the number of tokens <paramref name="text"/> becomes (without BOS/EOS); 0 when none is known.</summary>
    public int MinimumTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (MaxTokenBytes == 0) return 0;
        long bytes = Encoding.UTF8.GetByteCount(text);
        if (_stripsWhitespace)
        {
            foreach (var c in text)
            {
                if (IsCSpace(c)) bytes--;
            }
        }
        return (int)Math.Min(int.MaxValue, bytes / MaxTokenBytes);
    }

    /// <summary>Tokenizes text exactly as one llama.cpp call would, in chunks, checking for cancellation between them.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecial">Whether to add BOS (and EOS where the model wants it).</param>
    /// <param name="parseSpecial">Whether control-token text becomes control tokens.</param>
    /// <param name="cancellationToken">Stops the work between chunks.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        cancellationToken.ThrowIfCancellationRequested();
        var specials = parseSpecial ? _parsedSpecials : _alwaysSpecials;
        var search = parseSpecial ? _parsedSearch : _alwaysSearch;
        if (text.Length <= _chunkChars || search is null || (addSpecial && _singleCallWithSpecial)) return Call(text, addSpecial, parseSpecial);

        var ids = new List<int>(text.Length / 3);
        var start = 0;
        var first = true;
        while (start < text.Length)
        {
            var end = text.Length - start <= _chunkChars ? text.Length : NextCut(text, start + _chunkChars, specials, search);
            ids.AddRange(Call(text[start..end], addSpecial && first, parseSpecial));
            first = false;
            start = end;
            cancellationToken.ThrowIfCancellationRequested();
        }
        return [.. ids];
    }

    private int[] Call(string text, bool addSpecial, bool parseSpecial)
    {
        var tokens = _weights.Tokenize(text, addSpecial, parseSpecial, Encoding.UTF8);
        Interlocked.Add(ref _charactersTokenized, text.Length);
        for (var longest = Volatile.Read(ref _longestCall); text.Length > longest; longest = Volatile.Read(ref _longestCall))
        {
            if (Interlocked.CompareExchange(ref _longestCall, text.Length, longest) == longest) break;
        }
        var ids = new int[tokens.Length];
        for (var i = 0; i < tokens.Length; i++) ids[i] = (int)tokens[i];
        return ids;
    }

    // Where to cut at or after `from`, just after the first special-token occurrence that llama.cpp splits at on its
    // own (none straddles its ends); the text's end if there is none. After a token with rstrip the cut moves past the
    // whitespace it eats, so the next chunk does not start with whitespace the whole text would have lost.
    private int NextCut(string text, int from, string[] specials, SearchValues<string> search)
    {
        var at = from;
        while (at < text.Length)
        {
            var found = text.AsSpan(at).IndexOfAny(search);
            if (found < 0) return text.Length;
            var begin = at + found;
            foreach (var special in specials)
            {
                var end = begin + special.Length;
                if (end >= text.Length || !text.AsSpan(begin).StartsWith(special, StringComparison.Ordinal)) continue;
                // A token with lstrip right after one that ends in whitespace could eat that whitespace first.
                if (_anyLeftStrip && IsCSpace(special[^1])) continue;
                if (Straddled(text, begin, specials) || Straddled(text, end, specials)) continue;
                var cut = end;
                if (_rightStrip.Contains(special))
                {
                    while (cut < text.Length && IsCSpace(text[cut])) cut++;
                    if (cut == text.Length) return cut;
                    if (cut > end && (text.AsSpan(end, cut - end).IndexOfAny(search) >= 0 || Straddled(text, cut, specials))) continue;
                }
                return cut;
            }
            at = begin + 1;
        }
        return text.Length;
    }

    // The characters C's isspace() accepts, which llama.cpp's lstrip/rstrip remove.
    private static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    // Whether any special token occurs across position `cut` (starting before it and ending after it).
    private static bool Straddled(string text, int cut, string[] specials)
    {
        foreach (var special in specials)
        {
            for (var begin = Math.Max(0, cut - special.Length + 1); begin < cut; begin++)
            {
                if (begin + special.Length <= text.Length && text.AsSpan(begin).StartsWith(special, StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }
}
