using System.Text.Json;

namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// The parts of a Hugging Face <c>tokenizer.json</c> (format of the <c>tokenizers</c> library, <c>model.type = BPE</c>)
/// a GGUF vocabulary needs: the token→id map, the merges in rank order (as <c>"a b"</c> strings or <c>[a, b]</c>
/// pairs), the added tokens, and whether unknown bytes fall back to <c>&lt;0xXX&gt;</c> tokens.
/// </summary>
internal sealed class HuggingFaceBpeModel
{
    /// <summary>Ids above this are refused: llama.cpp vocabularies hold at most a few hundred thousand tokens.</summary>
    public const int MaxTokens = 1 << 24;

    private HuggingFaceBpeModel(Dictionary<int, string> vocab, Dictionary<string, int> ids, List<(string Left, string Right)> merges,
        List<HuggingFaceAddedToken> added, bool byteFallback, string? unknownToken)
    {
        Vocab = vocab;
        Ids = ids;
        Merges = merges;
        Added = added;
        ByteFallback = byteFallback;
        UnknownToken = unknownToken;
    }

    public Dictionary<int, string> Vocab { get; }

    public Dictionary<string, int> Ids { get; }

    /// <summary>The merges in rank order (first merges first), as the two parts they join.</summary>
    public List<(string Left, string Right)> Merges { get; }

    /// <summary>
    /// A merge as llama.cpp reads it (<c>tokenizer.ggml.merges</c>, split at the first space): the parts joined by one
    /// space, a space inside a part written as its byte-level character <c>Ġ</c> (U+0120), as gguf-py's
    /// <c>SpecialVocab</c> writes the pair form.
    /// </summary>
    public static string MergeText((string Left, string Right) merge) =>
        merge.Left.Replace(' ', '\u0120') + " " + merge.Right.Replace(' ', '\u0120');

    public List<HuggingFaceAddedToken> Added { get; }

    public bool ByteFallback { get; }

    public string? UnknownToken { get; }

    public static HuggingFaceBpeModel Parse(JsonElement tokenizer)
    {
        if (tokenizer.ValueKind != JsonValueKind.Object)
            throw new HuggingFaceVocabularyException("tokenizer.json is not a JSON object.");
        if (!tokenizer.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new HuggingFaceVocabularyException("tokenizer.json has no 'model' object.");
        var type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type != "BPE")
            throw new HuggingFaceVocabularyException($"tokenizer.json's model is {(type is null ? "of no type" : $"'{type}'")}; only BPE models are converted.");
        if (!model.TryGetProperty("vocab", out var vocabJson) || vocabJson.ValueKind != JsonValueKind.Object)
            throw new HuggingFaceVocabularyException("tokenizer.json's model has no 'vocab' object.");

        var vocab = new Dictionary<int, string>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabJson.EnumerateObject())
        {
            var id = Id(entry.Value, $"vocab entry '{entry.Name}'");
            if (!vocab.TryAdd(id, entry.Name))
                throw new HuggingFaceVocabularyException($"tokenizer.json's vocab gives id {id} to both '{vocab[id]}' and '{entry.Name}'.");
            if (!ids.TryAdd(entry.Name, id))
                throw new HuggingFaceVocabularyException($"tokenizer.json's vocab lists '{entry.Name}' twice.");
        }
        if (vocab.Count == 0)
            throw new HuggingFaceVocabularyException("tokenizer.json's vocab is empty.");

        return new(vocab, ids, ReadMerges(model), ReadAdded(tokenizer),
            model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True,
            model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String ? unk.GetString() : null);
    }

    private static int Id(JsonElement value, string what)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var id))
            throw new HuggingFaceVocabularyException($"tokenizer.json's {what} has an id that is not an integer.");
        if (id is < 0 or >= MaxTokens)
            throw new HuggingFaceVocabularyException($"tokenizer.json's {what} has id {id}, outside 0..{MaxTokens - 1}.");
        return (int)id;
    }

    private static List<(string Left, string Right)> ReadMerges(JsonElement model)
    {
        var merges = new List<(string Left, string Right)>();
        if (!model.TryGetProperty("merges", out var json) || json.ValueKind == JsonValueKind.Null)
            return merges;
        if (json.ValueKind != JsonValueKind.Array)
            throw new HuggingFaceVocabularyException("tokenizer.json's merges is not a list.");
        foreach (var merge in json.EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.String)
            {
                var text = merge.GetString()!;
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0 || space == text.Length - 1 || text.IndexOf(' ', space + 1) >= 0)
                    throw new HuggingFaceVocabularyException($"tokenizer.json's merge '{text}' is not two parts separated by one space.");
                merges.Add((text[..space], text[(space + 1)..]));
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String
                && merge[0].GetString()!.Length > 0 && merge[1].GetString()!.Length > 0)
            {
                merges.Add((merge[0].GetString()!, merge[1].GetString()!));
            }
            else
            {
                throw new HuggingFaceVocabularyException($"tokenizer.json's merge {merge.GetRawText()} is neither \"a b\" nor [\"a\", \"b\"].");
            }
        }
        return merges;
    }

    private static List<HuggingFaceAddedToken> ReadAdded(JsonElement tokenizer)
    {
        var added = new List<HuggingFaceAddedToken>();
        if (!tokenizer.TryGetProperty("added_tokens", out var json) || json.ValueKind == JsonValueKind.Null)
            return added;
        if (json.ValueKind != JsonValueKind.Array)
            throw new HuggingFaceVocabularyException("tokenizer.json's added_tokens is not a list.");
        var seen = new HashSet<int>();
        foreach (var token in json.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Object || !token.TryGetProperty("id", out var idJson)
                || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw new HuggingFaceVocabularyException($"tokenizer.json's added token {Shorten(token.GetRawText())} lacks an id or a content string.");
            var id = Id(idJson, $"added token '{content.GetString()}'");
            if (!seen.Add(id))
                throw new HuggingFaceVocabularyException($"tokenizer.json's added_tokens lists id {id} twice.");
            var special = token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
            added.Add(new(id, content.GetString()!, special));
        }
        return added;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
