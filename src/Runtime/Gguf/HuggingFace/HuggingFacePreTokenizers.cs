using System.Text.Json;

namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// Names the llama.cpp pre-tokenizer (<c>tokenizer.ggml.pre</c>) of a byte-level BPE <c>tokenizer.json</c> from its
/// <c>pre_tokenizer</c>. llama.cpp's <c>convert_hf_to_gguf.py</c> hashes the tokenization of a probe text, which needs
/// the Hugging Face library; here the split regex is compared with the regexes llama.cpp implements for each name
/// (<c>src/llama-vocab.cpp</c>, <c>LLAMA_VOCAB_PRE_TYPE_*</c>), so only those listed are recognised.
/// </summary>
internal static class HuggingFacePreTokenizers
{
    // Llama 3's regex: numbers in groups of up to three digits.
    private const string Llama3 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    // Qwen2's regex: the same, but one digit per piece.
    private const string Qwen2 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly Dictionary<string, string> s_known = new(StringComparer.Ordinal)
    {
        [Llama3] = "llama-bpe",
        [Qwen2] = "qwen2",
    };

    /// <summary>The llama.cpp name for the pre-tokenizer, or an exception naming the regex it does not know.</summary>
    /// <exception cref="HuggingFaceVocabularyException">The pre-tokenizer is not one llama.cpp implements under a known name.</exception>
    public static string Detect(JsonElement tokenizer)
    {
        if (!tokenizer.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
            throw new HuggingFaceVocabularyException("tokenizer.json has no pre_tokenizer to name a llama.cpp pre-tokenizer from; name one (Pre).");
        var regexes = new List<string>();
        var byteLevelSplits = false;
        Walk(pre, regexes, ref byteLevelSplits);
        if (regexes.Count == 1 && s_known.TryGetValue(regexes[0], out var name))
            return name;
        // A lone ByteLevel step with use_regex splits with GPT-2's own regex.
        if (regexes.Count == 0 && byteLevelSplits)
            return "gpt-2";
        var described = regexes.Count == 0 ? "no split regex" : "the split regex " + string.Join(" then ", regexes.Select(r => $"'{r}'"));
        throw new HuggingFaceVocabularyException(
            $"tokenizer.json's pre_tokenizer has {described}, which is not a pre-tokenizer known here (llama-bpe, qwen2, gpt-2); name it (Pre).");
    }

    private static void Walk(JsonElement step, List<string> regexes, ref bool byteLevelSplits)
    {
        var type = step.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type == "Sequence" && step.TryGetProperty("pretokenizers", out var steps) && steps.ValueKind == JsonValueKind.Array)
        {
            foreach (var inner in steps.EnumerateArray())
                Walk(inner, regexes, ref byteLevelSplits);
        }
        else if (type == "Split" && step.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.Object
            && pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String)
        {
            regexes.Add(regex.GetString()!);
        }
        else if (type == "ByteLevel" && (!step.TryGetProperty("use_regex", out var use) || use.ValueKind == JsonValueKind.True))
        {
            byteLevelSplits = true;
        }
    }
}
