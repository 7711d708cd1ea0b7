using System.Globalization;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Tests.Families;

namespace Llm.Api.Tests.Families;

/// <summary>
/// llama.cpp's tokenizer test vectors for <c>bert-bge</c> (from Hugging Face <c>tokenizers</c>), through
/// <c>POST /tokenize</c> and <c>POST /detokenize</c> of the served BERT model.
/// </summary>
[Collection(BertServerCollection.Name)]
public sealed class BertTokenizerVectorTests(BertServerFixture server)
{
    /// <summary>The inputs of <c>bert-bge.inp</c> with their expected ids from <c>bert-bge.out</c>.</summary>
    private static List<(string Text, int[] Ids)> Vectors()
    {
        var (inputs, ids) = TokenizerVectors.Read(BertModel.VocabularyName);
        return [.. inputs.Zip(ids)];
    }

    private async Task<JsonElement> PostAsync(string path, string body)
    {
        using var response = await server.Http.PostAsync(path, Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {text}");
        return Sse.Parse(text);
    }

    [Fact]
    public async Task TokenizeGivesHuggingFacesIdsForEveryInput()
    {
        var vectors = Vectors();
        Assert.True(vectors.Count > 40, $"only {vectors.Count} vectors");
        var failures = new List<string>();
        foreach (var (text, expected) in vectors)
        {
            var body = await PostAsync("/tokenize", $$"""{"model":"bert","content":{{JsonSerializer.Serialize(text)}},"add_special":false,"parse_special":false}""");
            var actual = body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
            if (!actual.SequenceEqual(expected)) failures.Add($"{JsonSerializer.Serialize(text)}: expected [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}]");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>
    /// The rule checked: WordPiece keeps what BERT's basic tokenizer keeps. The input is cleaned (control characters
    /// dropped, every whitespace a separator), CJK ideographs and punctuation become words of their own, words are
    /// lower-cased and stripped of accents (NFD, combining marks removed). A word WordPiece cannot spell becomes one
    /// [UNK], which detokenizes to its text with no space before it (a control token, rendered as llama-server's
    /// /detokenize does). So the detokenized text, less the [UNK]s, is the kept words, each after one space, and they
    /// are the input's words in order, less as many as there are [UNK] ids.
    /// </summary>
    [Fact]
    public async Task DetokenizeGivesBackTheInputAsWordPieceNormalisesIt()
    {
        const int unknown = 100;
        var failures = new List<string>();
        var checkedWords = 0;
        foreach (var (text, ids) in Vectors())
        {
            var body = await PostAsync("/detokenize", $$"""{"model":"bert","tokens":[{{string.Join(',', ids)}}]}""");
            var content = body.GetProperty("content").GetString()!;
            var actual = content.Replace("[UNK]", string.Empty, StringComparison.Ordinal);
            var unknowns = (content.Length - actual.Length) / "[UNK]".Length;
            var words = BasicWords(text);
            var kept = actual.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var spacedOnce = string.Concat(kept.Select(w => " " + w)) == actual;
            if (!spacedOnce || unknowns != ids.Count(id => id == unknown) || !IsSubsequence(kept, words) || words.Count - kept.Length != ids.Count(id => id == unknown))
                failures.Add($"{JsonSerializer.Serialize(text)}: words [{string.Join(' ', words)}], {ids.Count(id => id == unknown)} [UNK], detokenized {JsonSerializer.Serialize(content)}");
            checkedWords += kept.Length;
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(checkedWords > 200, $"only {checkedWords} words came back");
    }

    private static bool IsSubsequence(IReadOnlyList<string> part, IReadOnlyList<string> whole)
    {
        var next = 0;
        foreach (var word in whole)
        {
            if (next < part.Count && part[next] == word) next++;
        }
        return next == part.Count;
    }

    /// <summary>BERT's basic tokenization (uncased, accents stripped), written from its description.</summary>
    private static List<string> BasicWords(string text)
    {
        var spaced = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (rune.Value is '\t' or '\n' or '\r' || category == UnicodeCategory.SpaceSeparator) spaced.Append(' ');
            else if (rune.Value is 0 or 0xFFFD || IsControl(category)) continue;
            else if (IsIdeograph(rune.Value)) spaced.Append(' ').Append(rune.ToString()).Append(' ');
            else spaced.Append(rune.ToString());
        }
        var words = new List<string>();
        foreach (var raw in spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = new StringBuilder();
            foreach (var original in raw.ToLowerInvariant().EnumerateRunes())
            {
                if (Rune.GetUnicodeCategory(original) == UnicodeCategory.NonSpacingMark) continue;
                var rune = WithoutAccent(original);
                if (IsPunctuation(rune))
                {
                    if (word.Length > 0) words.Add(word.ToString());
                    word.Clear();
                    words.Add(rune.ToString());
                }
                else
                {
                    word.Append(rune.ToString());
                }
            }
            if (word.Length > 0) words.Add(word.ToString());
        }
        return words;
    }

    // The project runs with invariant globalization, where string.Normalize leaves non-ASCII text as it is, so
    // NFD-then-drop-marks is spelled out for the precomposed Latin letters: Latin-1 and Latin Extended Additional
    // (Vietnamese), the blocks the vectors use. A letter outside them keeps its accent here, so a vector that
    // needed more would fail, not pass unchecked.
    private const string Latin1Bases = "aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0y"; // U+00E0..U+00FF
    private const string VietnameseBases = "aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy"; // U+1EA0..U+1EF9

    private static Rune WithoutAccent(Rune r)
    {
        var c = r.Value is >= 0xC0 and <= 0xDE ? r.Value + 0x20 : r.Value; // lower-cased already, but be sure
        var b = c switch
        {
            >= 0xE0 and <= 0xFF => Latin1Bases[c - 0xE0],
            >= 0x1EA0 and <= 0x1EF9 => VietnameseBases[c - 0x1EA0],
            _ => '\0',
        };
        return b == '\0' ? r : new Rune(b);
    }

    private static bool IsControl(UnicodeCategory c) => c is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
        or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    // ASCII symbols count as punctuation too ("$", "+", "^", "`"), as in BERT.
    private static bool IsPunctuation(Rune r) => r.Value is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    // The CJK Unified Ideographs blocks and their extensions and compatibility forms (not kana or hangul).
    private static bool IsIdeograph(int c) => c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
        or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
