using LLama;
using LLama.Native;
using Llm.Runtime.Gguf;

namespace Llm.Bench;

/// <summary>
/// The benchmark model: a llama of a real shape (768 wide, 12 blocks, 12 heads, 4 KV heads, FFN 2048,
/// 32,000 tokens) with random weights, written by the project's GGUF writer in F16 and quantized to Q4_K_M.
/// Random weights give meaningless text but the same arithmetic per token as a trained model of that shape.
/// </summary>
internal static class SyntheticModel
{
    private const int Width = 768, Blocks = 12, Heads = 12, KvHeads = 4, FeedForward = 2048, Vocabulary = 32000;
    private const int KvWidth = Width / Heads * KvHeads;

    /// <summary>Returns the quantized model in <paramref name="folder"/>, building it once.</summary>
    public static string EnsureBuilt(string folder, string? vocabularySource, Action<string> log)
    {
        Directory.CreateDirectory(folder);
        var quantized = Path.Combine(folder, "synthetic-768x12-q4_k_m.gguf");
        if (File.Exists(quantized)) return quantized;

        var f16 = Path.Combine(folder, "synthetic-768x12-f16.gguf");
        var started = DateTime.UtcNow;
        var writer = new GgufWriter();
        writer.Set("general.architecture", GgufValue.String("llama"))
            .Set("general.name", GgufValue.String("llm-bench-synthetic"))
            .Set("general.alignment", GgufValue.UInt32(32))
            .Set("general.file_type", GgufValue.UInt32(1))
            .Set("llama.vocab_size", GgufValue.UInt32(Vocabulary))
            .Set("llama.context_length", GgufValue.UInt32(16384))
            .Set("llama.embedding_length", GgufValue.UInt32(Width))
            .Set("llama.block_count", GgufValue.UInt32(Blocks))
            .Set("llama.feed_forward_length", GgufValue.UInt32(FeedForward))
            .Set("llama.attention.head_count", GgufValue.UInt32(Heads))
            .Set("llama.attention.head_count_kv", GgufValue.UInt32(KvHeads))
            .Set("llama.rope.dimension_count", GgufValue.UInt32(Width / Heads))
            .Set("llama.rope.freq_base", GgufValue.Float32(10000f))
            .Set("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-5f));
        var copied = vocabularySource is not null && File.Exists(vocabularySource) && CopyVocabulary(vocabularySource, writer);
        if (!copied) SyntheticVocabulary(writer);
        log(copied ? $"vocabulary copied from {vocabularySource}" : "vocabulary: synthetic (no llama-2-tiny-random.gguf found)");

        var random = new Random(20240601);
        var ones = new float[Width];
        Array.Fill(ones, 1f);
        writer.AddTensor("token_embd.weight", GgufTensorType.F16, Random(random, Width * Vocabulary), Width, Vocabulary);
        for (var b = 0; b < Blocks; b++)
        {
            writer.AddTensor($"blk.{b}.attn_norm.weight", GgufTensorType.F32, ones, Width);
            writer.AddTensor($"blk.{b}.attn_q.weight", GgufTensorType.F16, Random(random, Width * Width), Width, Width);
            writer.AddTensor($"blk.{b}.attn_k.weight", GgufTensorType.F16, Random(random, Width * KvWidth), Width, KvWidth);
            writer.AddTensor($"blk.{b}.attn_v.weight", GgufTensorType.F16, Random(random, Width * KvWidth), Width, KvWidth);
            writer.AddTensor($"blk.{b}.attn_output.weight", GgufTensorType.F16, Random(random, Width * Width), Width, Width);
            writer.AddTensor($"blk.{b}.ffn_norm.weight", GgufTensorType.F32, ones, Width);
            writer.AddTensor($"blk.{b}.ffn_gate.weight", GgufTensorType.F16, Random(random, Width * FeedForward), Width, FeedForward);
            writer.AddTensor($"blk.{b}.ffn_up.weight", GgufTensorType.F16, Random(random, Width * FeedForward), Width, FeedForward);
            writer.AddTensor($"blk.{b}.ffn_down.weight", GgufTensorType.F16, Random(random, FeedForward * Width), FeedForward, Width);
        }
        writer.AddTensor("output_norm.weight", GgufTensorType.F32, ones, Width);
        writer.AddTensor("output.weight", GgufTensorType.F16, Random(random, Width * Vocabulary), Width, Vocabulary);
        writer.WriteFile(f16);
        log($"wrote {f16} ({new FileInfo(f16).Length / 1e6:F0} MB) in {(DateTime.UtcNow - started).TotalSeconds:F0} s");

        // Quantize fails with DllNotFoundException when it is the first native call (see the LLamaSharp notes).
        // quantizeOutputTensor as llama-quantize does by default: output.weight to Q6_K, not left in F16.
        NativeApi.llama_empty_call();
        started = DateTime.UtcNow;
        var temporary = quantized + ".tmp";
        if (!LLamaQuantizer.Quantize(f16, temporary, LLamaFtype.MOSTLY_Q4_K_M, Environment.ProcessorCount, allowRequantize: true, quantizeOutputTensor: true))
            throw new InvalidOperationException("llama.cpp could not quantize the synthetic model.");
        File.Move(temporary, quantized, overwrite: true);
        File.Delete(f16);
        log($"quantized to Q4_K_M: {quantized} ({new FileInfo(quantized).Length / 1048576.0:F0} MiB) in {(DateTime.UtcNow - started).TotalSeconds:F0} s");
        return quantized;
    }

    // Uniform with standard deviation 0.02, as initialisers of this size use.
    private static float[] Random(Random random, int count)
    {
        var values = new float[count];
        const float Scale = 0.02f * 1.7320508f * 2f;
        for (var i = 0; i < values.Length; i++) values[i] = (random.NextSingle() - 0.5f) * Scale;
        return values;
    }

    private static bool CopyVocabulary(string source, GgufWriter writer)
    {
        var file = GgufReader.ReadFile(source);
        if (!file.Metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) || tokens.Count != Vocabulary) return false;
        foreach (var key in file.MetadataKeys)
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal)) writer.Set(key, file.Metadata[key]);
        }
        return true;
    }

    // <unk>, <s>, </s>, 256 byte pieces, then distinct word pieces: enough for token-id prompts.
    private static void SyntheticVocabulary(GgufWriter writer)
    {
        var pieces = new string[Vocabulary];
        var types = new int[Vocabulary];
        var scores = new float[Vocabulary];
        pieces[0] = "<unk>";
        pieces[1] = "<s>";
        pieces[2] = "</s>";
        types[0] = 2;
        types[1] = types[2] = 3;
        for (var b = 0; b < 256; b++)
        {
            pieces[3 + b] = $"<0x{b:X2}>";
            types[3 + b] = 6;
        }
        for (var t = 259; t < Vocabulary; t++)
        {
            pieces[t] = "\u2581w" + t.ToString(System.Globalization.CultureInfo.InvariantCulture);
            types[t] = 1;
            scores[t] = -t;
        }
        writer.Set("tokenizer.ggml.model", GgufValue.String("llama"))
            .Set("tokenizer.ggml.tokens", GgufValue.Array<string>(pieces))
            .Set("tokenizer.ggml.scores", GgufValue.Array<float>(scores))
            .Set("tokenizer.ggml.token_type", GgufValue.Array<int>(types))
            .Set("tokenizer.ggml.bos_token_id", GgufValue.UInt32(1))
            .Set("tokenizer.ggml.eos_token_id", GgufValue.UInt32(2))
            .Set("tokenizer.ggml.unknown_token_id", GgufValue.UInt32(0))
            .Set("tokenizer.ggml.add_bos_token", GgufValue.Bool(true));
    }
}
