namespace Llm.Runtime.Gguf;

/// <summary>
/// The architecture keys (<c>{arch}.*</c>) llama.cpp reads for every model, checked against the ranges where it
/// asserts, indexes arrays or divides: at least one and at most 512 blocks, expert counts within its limit, head counts
/// that divide the embedding and each other, rope settings it knows. Per-layer values may be a scalar or an array of
/// <c>block_count</c> integers, as in llama.cpp.
/// </summary>
internal static class GgufHyperParameters
{
    private const long MaxContext = 1L << 27;
    private const long MaxEmbedding = 1L << 18;
    private const long MaxHeads = 1L << 14;
    private const long MaxFeedForward = 1L << 22;

    /// <summary>Architectures built only of attention blocks: a head count of zero leaves llama.cpp without a head size.</summary>
    private static readonly HashSet<string> s_attentionOnly = new(StringComparer.Ordinal)
    {
        "llama", "llama4", "deci", "mistral3", "qwen", "qwen2", "qwen2moe", "qwen3", "qwen3moe", "phi2", "phi3", "phimoe",
        "gemma", "gemma2", "gemma3", "gpt2", "gptj", "gptneox", "starcoder", "starcoder2", "falcon", "bert", "nomic-bert",
        "jina-bert-v2", "stablelm", "internlm2", "granite", "granitemoe", "olmo", "olmo2", "olmoe", "command-r", "cohere2",
        "deepseek", "deepseek2", "exaone", "smollm3", "minicpm", "baichuan", "bloom", "mpt", "orion", "refact", "chatglm", "glm4",
    };

    private static readonly string[] s_ropeScalings = ["none", "linear", "yarn", "longrope"];

    public static GgufModelShape Check(GgufFile file)
    {
        var arch = file.Architecture!;
        var p = arch + ".";
        Required(file, p + "context_length", 1, MaxContext);
        var embedding = Required(file, p + "embedding_length", 1, MaxEmbedding);
        var blocks = (int)Required(file, p + "block_count", 1, GgufLimits.MaxBlocks);

        var experts = Optional(file, p + "expert_count", 0, GgufLimits.MaxExperts) ?? 0;
        var used = Optional(file, p + "expert_used_count", 0, GgufLimits.MaxExperts) ?? 0;
        if (used > experts)
            throw GgufValidator.Refuse($"key '{p}expert_used_count' is {used}, more than '{p}expert_count' {experts}.");
        if (experts > 0 && used == 0)
            throw GgufValidator.Refuse($"key '{p}expert_used_count' is 0 (or missing) for {experts} experts.");

        // Recurrent architectures (mamba, rwkv) may have no attention heads at all; attention-only ones need them.
        var attentionOnly = s_attentionOnly.Contains(arch);
        var heads = PerLayer(file, p + "attention.head_count", blocks, MaxHeads, required: attentionOnly) ?? new long[blocks];
        var kvHeads = PerLayer(file, p + "attention.head_count_kv", blocks, MaxHeads, required: false) ?? heads;
        var feedForward = PerLayer(file, p + "feed_forward_length", blocks, MaxFeedForward, required: false) ?? new long[blocks];

        if (attentionOnly && heads.Any(h => h == 0))
            throw GgufValidator.Refuse($"key '{p}attention.head_count' is 0 for an attention model.");
        for (var layer = 0; layer < blocks; layer++)
        {
            if (heads[layer] > 0 && kvHeads[layer] > 0 && heads[layer] % kvHeads[layer] != 0)
                throw GgufValidator.Refuse($"key '{p}attention.head_count_kv' ({kvHeads[layer]}) does not divide '{p}attention.head_count' ({heads[layer]}) in block {layer}.");
            if (heads[layer] > 0 && kvHeads[layer] > heads[layer])
                throw GgufValidator.Refuse($"key '{p}attention.head_count_kv' ({kvHeads[layer]}) is more than '{p}attention.head_count' ({heads[layer]}) in block {layer}.");
        }

        long keyLength = 0, valueLength = 0;
        if (heads[0] > 0)
        {
            var explicitKey = Optional(file, p + "attention.key_length", 1, MaxEmbedding);
            var explicitValue = Optional(file, p + "attention.value_length", 1, MaxEmbedding);
            if ((explicitKey is null || explicitValue is null) && embedding % heads[0] != 0)
                throw GgufValidator.Refuse($"key '{p}embedding_length' ({embedding}) is not divisible by '{p}attention.head_count' ({heads[0]}).");
            keyLength = explicitKey ?? embedding / heads[0];
            valueLength = explicitValue ?? embedding / heads[0];
            if (Optional(file, p + "rope.dimension_count", 0, MaxEmbedding) is { } rot)
            {
                if (rot > keyLength)
                    throw GgufValidator.Refuse($"key '{p}rope.dimension_count' ({rot}) is more than the head size {keyLength}.");
                if (arch is "llama" or "deci" or "falcon" && rot != keyLength)
                    throw GgufValidator.Refuse($"key '{p}rope.dimension_count' ({rot}) must equal the head size {keyLength} for {arch}.");
            }
        }

        Optional(file, p + "vocab_size", 1, int.MaxValue);
        Optional(file, p + "rope.scaling.original_context_length", 0, MaxContext);
        Float(file, p + "rope.freq_base", positive: true);
        Float(file, p + "rope.scaling.factor", positive: false);
        Float(file, p + "rope.scale_linear", positive: false);
        Float(file, p + "rope.scaling.attn_factor", positive: false);
        Float(file, p + "attention.layer_norm_rms_epsilon", positive: false);
        Float(file, p + "attention.layer_norm_epsilon", positive: false);
        GgufMetadataRules.ExpectType(file, p + "rope.scaling.finetuned", GgufValueType.Bool);
        if (GgufMetadataRules.ExpectType(file, p + "rope.scaling.type", GgufValueType.String) && !s_ropeScalings.Contains(file.GetString(p + "rope.scaling.type")))
            throw GgufValidator.Refuse($"key '{p}rope.scaling.type' is '{file.GetString(p + "rope.scaling.type")}', not one of {string.Join(", ", s_ropeScalings)}.");

        var vocabulary = file.Metadata.TryGetValue(GgufVocabularyRules.Tokens, out var tokens) ? tokens.Count : 0;
        return new GgufModelShape(arch, embedding, blocks, heads, kvHeads, feedForward, keyLength, valueLength, experts, vocabulary);
    }

    private static long Required(GgufFile file, string key, long min, long max)
        => Optional(file, key, min, max) ?? throw GgufValidator.Refuse($"key '{key}' is missing.");

    private static long? Optional(GgufFile file, string key, long min, long max)
    {
        if (!GgufMetadataRules.ExpectType(file, key, GgufValueType.UInt32))
            return null;
        long value = file.Metadata[key].Get<uint>();
        return value >= min && value <= max ? value : throw GgufValidator.Refuse($"key '{key}' is {value}, outside {min}..{max}.");
    }

    private static long[]? PerLayer(GgufFile file, string key, int blocks, long max, bool required)
    {
        if (!file.Metadata.TryGetValue(key, out var value))
            return required ? throw GgufValidator.Refuse($"key '{key}' is missing.") : null;
        if (value.Type != GgufValueType.Array)
        {
            var single = Optional(file, key, 0, max)!.Value;
            return Enumerable.Repeat(single, blocks).ToArray();
        }
        var array = GgufMetadataRules.ExpectArray(file, key, GgufValueType.UInt32, GgufValueType.Int32)!;
        if (array.Count != blocks)
            throw GgufValidator.Refuse($"key '{key}' has {array.Count} entries for {blocks} blocks.");
        var values = array.Value is uint[] u ? u.Select(x => (long)x).ToArray() : ((int[])array.Value).Select(x => (long)x).ToArray();
        if (values.FirstOrDefault(v => v < 0 || v > max) is var bad && (bad < 0 || bad > max))
            throw GgufValidator.Refuse($"key '{key}' has the entry {bad}, outside 0..{max}.");
        return values;
    }

    private static void Float(GgufFile file, string key, bool positive)
    {
        if (!GgufMetadataRules.ExpectType(file, key, GgufValueType.Float32))
            return;
        var value = file.Metadata[key].Get<float>();
        if (!float.IsFinite(value) || value < 0 || (positive && value == 0))
            throw GgufValidator.Refuse($"key '{key}' is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}, expected a finite {(positive ? "positive" : "non-negative")} number.");
    }
}
