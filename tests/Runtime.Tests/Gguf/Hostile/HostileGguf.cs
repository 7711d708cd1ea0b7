using Llm.Runtime.Gguf;

namespace Llm.Runtime.Tests.Gguf.Hostile;

/// <summary>
/// The corpus of hostile GGUF files: each kind is one change to a small valid llama (which llama.cpp loads), so a
/// refusal is caused by that change alone. Covers what crashed the process (deep array nesting, a huge tensor_count in a
/// sparse file, general.alignment as INT32, block_count 0, a zero dimension) and the rest of their kinds.
/// </summary>
internal static class HostileGguf
{
    public const int Embedding = 8, Heads = 2, FeedForward = 16;

    private static readonly Lazy<byte[]> s_base = new(BuildBase);

    /// <summary>The valid base: llama, 1 block, 8 wide, 2 heads, FFN 16, a 286-token SentencePiece vocabulary.</summary>
    public static byte[] BaseModel => s_base.Value;

    public static string[] Vocabulary { get; } = BuildVocabulary();

    /// <summary>Passes our validator but names an architecture llama.cpp does not know, so llama.cpp refuses it itself.</summary>
    public static HostileKind UnknownToLlamaCpp { get; } = new("llamacpp-unknown-arch", "unknown model architecture", raw =>
    {
        foreach (var kv in raw.Kvs.ToArray())
        {
            if (kv.Key.StartsWith("llama.", StringComparison.Ordinal)) raw.Kvs[raw.Kvs.IndexOf(kv)] = kv with { Key = "notallama." + kv.Key[6..] };
        }
        raw.Set("general.architecture", GgufValue.String("notallama"));
    });

    public static IReadOnlyList<HostileKind> Kinds { get; } =
    [
        // Structure and counts, checked before anything is allocated.
        new("nested-array-1m", "nested", raw => raw.SetRaw("test.deep", (uint)GgufValueType.Array, DeepArray(1_000_000))),
        new("nested-array-2", "array of arrays", raw => raw.Set("test.nested", GgufValue.Array<GgufValue>([GgufValue.Array<int>([1, 2])]))),
        new("no-tensors", "no tensors", raw => { raw.Tensors.Clear(); raw.Data = []; }),
        new("tensor-count-2g-sparse", "tensor_count", raw => { raw.TensorCountOverride = int.MaxValue; raw.SparseLength = 56L << 30; }),
        new("tensor-count-past-eof", "offset", raw => raw.TensorCountOverride = 60_000),
        new("kv-count-huge", "kv_count", raw => raw.KvCountOverride = 1UL << 40),
        new("kv-count-past-eof", "offset", raw => raw.KvCountOverride = 60_000),
        new("string-length-huge", "general.name", raw => raw.SetRaw("general.name", (uint)GgufValueType.String, RawGguf.U64(1UL << 62))),
        new("key-length-huge", "string length", raw => raw.LeadingKvBytes = RawGguf.U64(1UL << 50)),
        new("array-length-huge", "tokenizer.ggml.scores", raw => raw.SetRaw("tokenizer.ggml.scores", (uint)GgufValueType.Array,
            RawGguf.Concat(RawGguf.U32((uint)GgufValueType.Float32), RawGguf.U64(1UL << 60)))),
        new("empty-key", "empty", raw => raw.Kvs.Add(new RawKv("", (uint)GgufValueType.UInt8, [1]))),
        new("unknown-value-type", "test.odd", raw => raw.SetRaw("test.odd", 99, [0, 0, 0, 0])),
        new("bool-byte-7", "tokenizer.ggml.add_bos_token", raw => raw.SetRaw("tokenizer.ggml.add_bos_token", (uint)GgufValueType.Bool, [7])),
        new("duplicate-key", "general.name", raw => raw.Kvs.Add(new RawKv("general.name", (uint)GgufValueType.String, RawGguf.Encode(GgufValue.String("again"))))),
        new("version-1", "version", raw => raw.Version = 1),
        new("version-99", "version", raw => raw.Version = 99),
        new("truncated-in-header", "offset", raw => raw.TruncateAt = 20),
        new("truncated-in-metadata", "offset", raw => raw.TruncateAt = 300),
        new("truncated-in-tensor-infos", "offset", raw => raw.TruncateAt = HeaderLength(raw) - 40),
        new("truncated-in-data", "output.weight", raw => raw.TruncateAt = HeaderLength(raw) + raw.Data.Length - 100),

        // General metadata.
        new("alignment-int32", "general.alignment", raw => raw.Set("general.alignment", GgufValue.Int32(32))),
        new("alignment-zero", "general.alignment", raw => raw.Set("general.alignment", GgufValue.UInt32(0))),
        new("alignment-not-power-of-two", "general.alignment", raw => raw.Set("general.alignment", GgufValue.UInt32(48))),
        new("missing-architecture", "general.architecture", raw => raw.Remove("general.architecture")),
        new("architecture-not-string", "general.architecture", raw => raw.Set("general.architecture", GgufValue.UInt32(7))),
        new("file-type-string", "general.file_type", raw => raw.Set("general.file_type", GgufValue.String("F16"))),
        new("split-count-2", "split.count", raw => raw.Set("split.count", GgufValue.UInt16(2))),

        // Hyper-parameters.
        new("block-count-0", "llama.block_count", raw => raw.Set("llama.block_count", GgufValue.UInt32(0))),
        new("block-count-100000", "llama.block_count", raw => raw.Set("llama.block_count", GgufValue.UInt32(100_000))),
        new("block-count-missing", "llama.block_count", raw => raw.Remove("llama.block_count")),
        new("block-count-int64", "llama.block_count", raw => raw.Set("llama.block_count", GgufValue.Int64(1))),
        new("context-length-0", "llama.context_length", raw => raw.Set("llama.context_length", GgufValue.UInt32(0))),
        new("embedding-length-0", "llama.embedding_length", raw => raw.Set("llama.embedding_length", GgufValue.UInt32(0))),
        new("head-count-missing", "llama.attention.head_count", raw => raw.Remove("llama.attention.head_count")),
        new("head-count-0", "llama.attention.head_count", raw => raw.Set("llama.attention.head_count", GgufValue.UInt32(0))),
        new("embedding-not-divisible-by-heads", "llama.embedding_length", raw => raw.Set("llama.attention.head_count", GgufValue.UInt32(3))
            .Set("llama.attention.head_count_kv", GgufValue.UInt32(3))),
        new("kv-heads-not-dividing-heads", "llama.attention.head_count_kv", raw => raw.Set("llama.attention.head_count_kv", GgufValue.UInt32(3))),
        new("head-count-array-wrong-length", "llama.attention.head_count", raw => raw.Set("llama.attention.head_count", GgufValue.Array<int>([2, 2, 2]))),
        new("expert-count-1000", "llama.expert_count", raw => raw.Set("llama.expert_count", GgufValue.UInt32(1000))),
        new("experts-used-above-count", "llama.expert_used_count", raw => raw.Set("llama.expert_count", GgufValue.UInt32(4))
            .Set("llama.expert_used_count", GgufValue.UInt32(8))),
        new("experts-used-0", "llama.expert_used_count", raw => raw.Set("llama.expert_count", GgufValue.UInt32(4))),
        new("rope-dimension-mismatch", "llama.rope.dimension_count", raw => raw.Set("llama.rope.dimension_count", GgufValue.UInt32(2))),
        new("rope-scaling-unknown", "llama.rope.scaling.type", raw => raw.Set("llama.rope.scaling.type", GgufValue.String("warp"))),
        new("rope-freq-base-nan", "llama.rope.freq_base", raw => raw.Set("llama.rope.freq_base", GgufValue.Float32(float.NaN))),
        new("rms-epsilon-as-double", "llama.attention.layer_norm_rms_epsilon", raw => raw.Set("llama.attention.layer_norm_rms_epsilon", GgufValue.Float64(1e-5))),

        // Vocabulary.
        new("tokenizer-model-missing", "tokenizer.ggml.model", raw => raw.Remove("tokenizer.ggml.model")),
        new("tokens-missing", "tokenizer.ggml.tokens", raw => raw.Remove("tokenizer.ggml.tokens")),
        new("tokens-wrong-type", "tokenizer.ggml.tokens", raw => raw.Set("tokenizer.ggml.tokens", GgufValue.Array<int>(new int[Vocabulary.Length]))),
        new("tokens-empty", "tokenizer.ggml.tokens", raw => raw.Set("tokenizer.ggml.tokens", GgufValue.Array<string>([]))),
        new("scores-wrong-type", "tokenizer.ggml.scores", raw => raw.Set("tokenizer.ggml.scores", GgufValue.Array<sbyte>(new sbyte[Vocabulary.Length]))),
        new("scores-short", "tokenizer.ggml.scores", raw => raw.Set("tokenizer.ggml.scores", GgufValue.Array<float>(new float[Vocabulary.Length - 1]))),
        new("scores-scalar", "tokenizer.ggml.scores", raw => raw.Set("tokenizer.ggml.scores", GgufValue.Float32(0))),
        new("token-types-strings", "tokenizer.ggml.token_type", raw => raw.Set("tokenizer.ggml.token_type", GgufValue.Array<string>(Vocabulary))),
        new("token-types-long", "tokenizer.ggml.token_type", raw => raw.Set("tokenizer.ggml.token_type", GgufValue.Array<int>(new int[Vocabulary.Length + 5]))),
        new("merges-wrong-type", "tokenizer.ggml.merges", raw => raw.Set("tokenizer.ggml.merges", GgufValue.Array<float>([1f]))),
        new("bpe-without-merges", "tokenizer.ggml.merges", raw => raw.Set("tokenizer.ggml.model", GgufValue.String("gpt2"))),
        new("bos-out-of-range", "tokenizer.ggml.bos_token_id", raw => raw.Set("tokenizer.ggml.bos_token_id", GgufValue.UInt32(1_000_000))),
        new("eos-as-int32", "tokenizer.ggml.eos_token_id", raw => raw.Set("tokenizer.ggml.eos_token_id", GgufValue.Int32(2))),
        new("padding-out-of-range", "tokenizer.ggml.padding_token_id", raw => raw.Set("tokenizer.ggml.padding_token_id", GgufValue.UInt32((uint)Vocabulary.Length))),
        new("charsmap-lies", "tokenizer.ggml.precompiled_charsmap", raw => raw.Set("tokenizer.ggml.precompiled_charsmap", GgufValue.Array<byte>([0xFF, 0xFF, 0, 0, 1, 2]))),

        // Tensors.
        new("zero-dimension", "blk.0.attn_q.weight", raw => raw.Replace("blk.0.attn_q.weight", t => t with { Dims = [8, 0] })),
        new("negative-dimension", "blk.0.attn_k.weight", raw => raw.Replace("blk.0.attn_k.weight", t => t with { Dims = [8, ulong.MaxValue] })),
        new("dimension-overflow", "token_embd.weight", raw => raw.Replace("token_embd.weight", t => t with { Dims = [1UL << 40, 1UL << 40] })),
        new("n-dims-5", "blk.0.attn_norm.weight", raw => raw.Replace("blk.0.attn_norm.weight", t => t with { Dims = [8, 1, 1, 1, 1] })),
        new("n-dims-0", "blk.0.attn_norm.weight", raw => raw.Replace("blk.0.attn_norm.weight", t => t with { Dims = [] })),
        new("unknown-tensor-type", "blk.0.attn_v.weight", raw => raw.Replace("blk.0.attn_v.weight", t => t with { Type = 99 })),
        new("row-not-whole-blocks", "blk.0.ffn_gate.weight", raw => raw.Replace("blk.0.ffn_gate.weight", t => t with { Type = (uint)GgufTensorType.Q4_0 })),
        new("data-past-eof", "output.weight", raw => raw.Replace("output.weight", t => t with { Offset = t.Offset + (1UL << 30) })),
        new("offset-overlaps", "blk.0.attn_k.weight", raw => raw.Replace("blk.0.attn_k.weight", t => t with { Offset = raw.Tensor("blk.0.attn_q.weight").Offset })),
        new("offset-misaligned", "blk.0.attn_v.weight", raw => raw.Replace("blk.0.attn_v.weight", t => t with { Offset = t.Offset + 4 })),
        new("duplicate-tensor-name", "blk.0.attn_q.weight", raw => raw.Replace("blk.0.attn_k.weight", t => t with { Name = "blk.0.attn_q.weight" })),
        new("tensor-name-too-long", "blk.0.ffn_norm", raw => raw.Replace("blk.0.ffn_norm.weight", t => t with { Name = "blk.0.ffn_norm." + new string('x', 80) })),
        new("tensor-missing", "blk.0.ffn_up.weight", raw => raw.Replace("blk.0.ffn_up.weight", t => t with { Name = "blk.0.ffn_upx.weight" })),
        new("tensor-wrong-shape", "blk.0.ffn_gate.weight", raw => raw.Replace("blk.0.ffn_gate.weight", t => t with { Dims = [FeedForward, Embedding] })),
    ];

    /// <summary>The kinds that crashed the process before the gate, by name.</summary>
    public static readonly string[] Named = ["nested-array-1m", "tensor-count-2g-sparse", "alignment-int32", "block-count-0", "zero-dimension"];

    /// <summary>
    /// Copies of the base model with 1 to 3 random header bytes changed that our gate still passes (a changed token
    /// string, score or unused key name): what reaches llama.cpp after the gate, for checking that it survives them.
    /// </summary>
    public static IEnumerable<byte[]> PassingMutants(int count, int seed)
    {
        var original = BaseModel;
        int header;
        using (var stream = new MemoryStream(original)) header = (int)GgufReader.Read(stream).DataOffset;
        var random = new Random(seed);
        for (var found = 0; found < count;)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                bytes[random.Next(header)] = random.Next(3) switch { 0 => (byte)random.Next(256), 1 => 0xFF, _ => 0 };
            try
            {
                using var stream = new MemoryStream(bytes);
                GgufValidator.Validate(GgufReader.Read(stream), bytes.Length);
            }
            catch (InvalidDataException)
            {
                continue;
            }
            found++;
            yield return bytes;
        }
    }

    private static byte[] DeepArray(int depth)
    {
        // Each level is an array (element type ARRAY, one element) of the next; the innermost is an empty UINT8 array.
        var level = RawGguf.Concat(RawGguf.U32((uint)GgufValueType.Array), RawGguf.U64(1));
        var bytes = new byte[level.Length * (depth - 1) + 12];
        for (var i = 0; i < depth - 1; i++) level.CopyTo(bytes, i * level.Length);
        RawGguf.Concat(RawGguf.U32((uint)GgufValueType.UInt8), RawGguf.U64(0)).CopyTo(bytes, level.Length * (depth - 1));
        return bytes;
    }

    private static long HeaderLength(RawGguf raw)
    {
        var whole = raw.ToBytes();
        return whole.Length - raw.Data.Length;
    }

    private static string[] BuildVocabulary()
    {
        var pieces = new List<string> { "<unk>", "<s>", "</s>" };
        for (var b = 0; b < 256; b++) pieces.Add($"<0x{b:X2}>");
        pieces.Add("\u2581");
        for (var c = 'a'; c <= 'z'; c++) pieces.Add(c.ToString());
        return [.. pieces];
    }

    private static byte[] BuildBase()
    {
        var v = Vocabulary.Length;
        var types = new int[v];
        var scores = new float[v];
        types[0] = 2;
        types[1] = types[2] = 3;
        for (var i = 3; i < 259; i++) types[i] = 6;
        for (var i = 259; i < v; i++)
        {
            types[i] = 1;
            scores[i] = -i;
        }
        var w = new GgufWriter()
            .Set("general.architecture", GgufValue.String("llama"))
            .Set("general.name", GgufValue.String("hostile-base"))
            .Set("general.alignment", GgufValue.UInt32(32))
            .Set("general.file_type", GgufValue.UInt32(1))
            .Set("llama.context_length", GgufValue.UInt32(256))
            .Set("llama.embedding_length", GgufValue.UInt32(Embedding))
            .Set("llama.block_count", GgufValue.UInt32(1))
            .Set("llama.feed_forward_length", GgufValue.UInt32(FeedForward))
            .Set("llama.attention.head_count", GgufValue.UInt32(Heads))
            .Set("llama.attention.head_count_kv", GgufValue.UInt32(Heads))
            .Set("llama.rope.dimension_count", GgufValue.UInt32(Embedding / Heads))
            .Set("llama.rope.freq_base", GgufValue.Float32(10000f))
            .Set("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-5f))
            .Set("tokenizer.ggml.model", GgufValue.String("llama"))
            .Set("tokenizer.ggml.tokens", GgufValue.Array<string>(Vocabulary))
            .Set("tokenizer.ggml.scores", GgufValue.Array<float>(scores))
            .Set("tokenizer.ggml.token_type", GgufValue.Array<int>(types))
            .Set("tokenizer.ggml.bos_token_id", GgufValue.UInt32(1))
            .Set("tokenizer.ggml.eos_token_id", GgufValue.UInt32(2))
            .Set("tokenizer.ggml.unknown_token_id", GgufValue.UInt32(0))
            .Set("tokenizer.ggml.add_bos_token", GgufValue.Bool(true));
        var random = new Random(11);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (random.NextSingle() - 0.5f) * 0.2f).ToArray();
        var ones = Enumerable.Repeat(1f, Embedding).ToArray();
        w.AddTensor("token_embd.weight", GgufTensorType.F32, Values(Embedding * v), Embedding, v);
        w.AddTensor("blk.0.attn_norm.weight", GgufTensorType.F32, ones, Embedding);
        foreach (var name in new[] { "attn_q", "attn_k", "attn_v", "attn_output" })
            w.AddTensor($"blk.0.{name}.weight", GgufTensorType.F16, Values(Embedding * Embedding), Embedding, Embedding);
        w.AddTensor("blk.0.ffn_norm.weight", GgufTensorType.F32, ones, Embedding);
        w.AddTensor("blk.0.ffn_gate.weight", GgufTensorType.F16, Values(Embedding * FeedForward), Embedding, FeedForward);
        w.AddTensor("blk.0.ffn_up.weight", GgufTensorType.F16, Values(Embedding * FeedForward), Embedding, FeedForward);
        w.AddTensor("blk.0.ffn_down.weight", GgufTensorType.F16, Values(Embedding * FeedForward), FeedForward, Embedding);
        w.AddTensor("output_norm.weight", GgufTensorType.F32, ones, Embedding);
        w.AddTensor("output.weight", GgufTensorType.F32, Values(Embedding * v), Embedding, v);
        using var stream = new MemoryStream();
        w.WriteTo(stream);
        return stream.ToArray();
    }
}
