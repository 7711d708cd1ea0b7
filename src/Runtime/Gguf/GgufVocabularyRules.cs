namespace Llm.Runtime.Gguf;

/// <summary>
/// The tokenizer arrays as llama.cpp's vocabulary loader reads them: it takes <c>scores</c> and <c>token_type</c> as raw
/// float and int32 pointers indexed by token id, and <c>tokens</c> and <c>merges</c> as strings, without checking
/// types or lengths. Special token ids must be uint32 inside the vocabulary.
/// </summary>
internal static class GgufVocabularyRules
{
    public const string Tokens = "tokenizer.ggml.tokens";
    public const string Scores = "tokenizer.ggml.scores";
    public const string TokenTypes = "tokenizer.ggml.token_type";
    public const string Merges = "tokenizer.ggml.merges";
    public const string Model = "tokenizer.ggml.model";
    private const string CharsMap = "tokenizer.ggml.precompiled_charsmap";

    private static readonly string[] s_specialIds =
    [
        "bos_token_id", "eos_token_id", "eot_token_id", "eom_token_id", "unknown_token_id", "seperator_token_id",
        "padding_token_id", "cls_token_id", "mask_token_id", "fim_pre_token_id", "fim_suf_token_id",
        "fim_mid_token_id", "fim_pad_token_id", "fim_rep_token_id", "fim_sep_token_id",
    ];

    private static readonly string[] s_flags =
    [
        "add_bos_token", "add_eos_token", "add_sep_token", "add_space_prefix", "remove_extra_whitespaces",
        "escape_whitespaces", "treat_whitespace_as_suffix",
    ];

    private static readonly string[] s_strings = ["model", "pre", "chat_template"];

    public static void Check(GgufFile file)
    {
        foreach (var name in s_strings)
            GgufMetadataRules.ExpectType(file, "tokenizer." + (name == "chat_template" ? name : "ggml." + name), GgufValueType.String);
        foreach (var flag in s_flags)
            GgufMetadataRules.ExpectType(file, "tokenizer.ggml." + flag, GgufValueType.Bool);

        // llama.cpp requires the tokenizer model, and a vocabulary unless that model is "none".
        var model = file.GetString(Model) ?? throw GgufValidator.Refuse($"key '{Model}' is missing.");
        var tokens = GgufMetadataRules.ExpectArray(file, Tokens, GgufValueType.String);
        if (tokens is null)
        {
            if (model is "none" or "no")
                return;
            throw GgufValidator.Refuse($"key '{Tokens}' is missing.");
        }
        var count = tokens.Count;
        if (count == 0)
            throw GgufValidator.Refuse($"key '{Tokens}' is empty.");

        if (GgufMetadataRules.ExpectArray(file, Scores, GgufValueType.Float32) is { } scores && scores.Count != count)
            throw GgufValidator.Refuse($"key '{Scores}' has {scores.Count} entries for {count} tokens.");
        if (GgufMetadataRules.ExpectArray(file, TokenTypes, GgufValueType.Int32, GgufValueType.UInt32) is { } types && types.Count != count)
            throw GgufValidator.Refuse($"key '{TokenTypes}' has {types.Count} entries for {count} tokens.");
        var merges = GgufMetadataRules.ExpectArray(file, Merges, GgufValueType.String);
        if (merges is null && model == "gpt2")
            throw GgufValidator.Refuse($"key '{Merges}' is missing, which a BPE ('gpt2') tokenizer needs.");

        foreach (var id in s_specialIds)
        {
            var key = "tokenizer.ggml." + id;
            if (!GgufMetadataRules.ExpectType(file, key, GgufValueType.UInt32))
                continue;
            var value = file.Metadata[key].Get<uint>();
            if (value >= count)
                throw GgufValidator.Refuse($"key '{key}' is token {value}, outside the vocabulary of {count} tokens.");
        }

        if (GgufMetadataRules.ExpectArray(file, CharsMap, GgufValueType.UInt8, GgufValueType.Int8) is { Count: > 0 } map)
        {
            // The first 4 bytes are the size of the trie blob that follows; llama.cpp reads that many bytes unchecked.
            var bytes = map.Value as byte[] ?? ((sbyte[])map.Value).Select(b => (byte)b).ToArray();
            var blob = bytes.Length >= 4 ? BitConverter.ToUInt32(bytes, 0) : uint.MaxValue;
            if (bytes.Length < 4 || blob > (ulong)bytes.Length - 4 || blob % 4 != 0)
                throw GgufValidator.Refuse($"key '{CharsMap}' is shorter than the size it declares.");
        }
    }
}
