namespace Llm.Runtime.Gguf.RandomWeights;

/// <summary>
/// Builds a small BERT encoder (GGUF architecture <c>bert</c>) with seeded random weights around the vocabulary of
/// another GGUF file: every <c>tokenizer.*</c> key of the source is copied unchanged, so a WordPiece vocabulary
/// such as llama.cpp's <c>ggml-vocab-bert-bge.gguf</c> tokenizes exactly as it does there. The network is the one
/// llama.cpp's <c>bert</c> graph runs: token + position + token-type embeddings, an embedding LayerNorm, then per
/// block post-norm self-attention (separate Q/K/V and output projections, all with biases) and a GELU
/// feed-forward, each followed by a LayerNorm. It has no language-model head: it embeds, it does not generate.
/// </summary>
/// <remarks>
/// Tensor shapes are in ggml order (innermost first): a projection from <c>n</c> inputs to <c>m</c> outputs is
/// <c>(n, m)</c>, row <c>j</c> holding output <c>j</c>'s weights. The token embedding is F16 (it is the bulk of the
/// file, 30,522 x 32 for bge); every other tensor is F32, so a managed reference forward pass can reproduce the
/// native one closely. The same seed always gives the same bytes: weights come from a fixed SplitMix64 stream,
/// not from <see cref="Random"/>, whose algorithm .NET does not promise to keep.
/// </remarks>
public static class BertRandomModel
{
    /// <summary>Gets the width of the hidden states and of the embeddings the model returns.</summary>
    public const int EmbeddingLength = 32;

    /// <summary>Gets the number of attention heads (head size 16).</summary>
    public const int HeadCount = 2;

    /// <summary>Gets the inner width of each block's feed-forward network.</summary>
    public const int FeedForwardLength = 64;

    /// <summary>Gets the number of encoder blocks.</summary>
    public const int BlockCount = 2;

    /// <summary>Gets the training context: the rows of the position embedding, hence the longest input.</summary>
    public const int ContextLength = 512;

    /// <summary>Gets the LayerNorm epsilon (bge's value).</summary>
    public const float LayerNormEpsilon = 1e-12f;

    /// <summary>Gets llama.cpp's <c>LLAMA_POOLING_TYPE_CLS</c>, the value of <c>bert.pooling_type</c> written here.</summary>
    public const uint ClsPooling = 2;

    /// <summary>Gets the seed <see cref="Create"/> uses when none is given.</summary>
    public const ulong DefaultSeed = 20260512;

    private const string Architecture = "bert";

    /// <summary>Builds the model in memory around the vocabulary of <paramref name="vocabularyPath"/>.</summary>
    /// <param name="vocabularyPath">A GGUF file with a <c>bert</c> (WordPiece) vocabulary; tensors are not read.</param>
    /// <param name="seed">Seeds the weights; equal seeds give identical files.</param>
    /// <param name="name">The <c>general.name</c> written.</param>
    /// <exception cref="InvalidDataException">The file is not GGUF, or its vocabulary is not WordPiece or lacks tokens.</exception>
    public static GgufWriter Create(string vocabularyPath, ulong seed = DefaultSeed, string name = "bert-random")
    {
        var source = GgufReader.ReadFile(vocabularyPath);
        if (source.GetString("tokenizer.ggml.model") != "bert")
            throw new InvalidDataException($"'{vocabularyPath}' has tokenizer.ggml.model '{source.GetString("tokenizer.ggml.model")}', not 'bert' (WordPiece).");
        if (!source.Metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) || tokens.Count == 0)
            throw new InvalidDataException($"'{vocabularyPath}' has no tokenizer.ggml.tokens.");

        var w = new GgufWriter();
        w.Set("general.architecture", GgufValue.String(Architecture))
            .Set("general.name", GgufValue.String(name))
            .Set("general.alignment", GgufValue.UInt32(32))
            .Set("general.file_type", GgufValue.UInt32(1)) // mostly F16
            .Set($"{Architecture}.context_length", GgufValue.UInt32(ContextLength))
            .Set($"{Architecture}.embedding_length", GgufValue.UInt32(EmbeddingLength))
            .Set($"{Architecture}.feed_forward_length", GgufValue.UInt32(FeedForwardLength))
            .Set($"{Architecture}.block_count", GgufValue.UInt32(BlockCount))
            .Set($"{Architecture}.attention.head_count", GgufValue.UInt32(HeadCount))
            .Set($"{Architecture}.attention.layer_norm_epsilon", GgufValue.Float32(LayerNormEpsilon))
            .Set($"{Architecture}.attention.causal", GgufValue.Bool(false))
            .Set($"{Architecture}.pooling_type", GgufValue.UInt32(ClsPooling));
        foreach (var key in source.MetadataKeys)
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal)) w.Set(key, source.Metadata[key]);
        }
        // llama.cpp refuses a bert model without token types; BERT vocabularies name two (sentence A and B).
        var tokenTypes = TokenTypeCount(source);
        w.Set("tokenizer.ggml.token_type_count", GgufValue.UInt32((uint)tokenTypes));
        AddTensors(w, tokens.Count, tokenTypes, new SplitMix64(seed));
        return w;
    }

    /// <summary>Builds the model and writes it atomically (temp file and rename), so concurrent builders are safe.</summary>
    /// <inheritdoc cref="Create"/>
    /// <param name="vocabularyPath">A GGUF file with a <c>bert</c> (WordPiece) vocabulary.</param>
    /// <param name="path">Where the model goes; its folder is created.</param>
    /// <param name="seed">Seeds the weights.</param>
    public static void WriteFile(string vocabularyPath, string path, ulong seed = DefaultSeed)
        => Create(vocabularyPath, seed).WriteFile(path);

    private static int TokenTypeCount(GgufFile source) => source.GetInteger("tokenizer.ggml.token_type_count") is { } n and > 0 and <= 16 ? (int)n : 2;

    private static void AddTensors(GgufWriter w, int vocabularySize, int tokenTypes, SplitMix64 random)
    {
        const int n = EmbeddingLength, ff = FeedForwardLength;
        // Embeddings of unit scale; projections scaled by 1/sqrt(fan-in) so activations stay of order one and the
        // attention is neither uniform nor one-hot: every token's state then depends on the whole input.
        w.AddTensor("token_embd.weight", GgufTensorType.F16, random.Uniform(vocabularySize * n, 1f), n, vocabularySize);
        w.AddTensor("position_embd.weight", GgufTensorType.F32, random.Uniform(ContextLength * n, 0.5f), n, ContextLength);
        w.AddTensor("token_types.weight", GgufTensorType.F32, random.Uniform(tokenTypes * n, 0.5f), n, tokenTypes);
        AddNorm(w, "token_embd_norm", random);
        for (var block = 0; block < BlockCount; block++)
        {
            var prefix = $"blk.{block}.";
            AddLinear(w, prefix + "attn_q", n, n, random, gain: 2f);
            AddLinear(w, prefix + "attn_k", n, n, random, gain: 2f);
            AddLinear(w, prefix + "attn_v", n, n, random, gain: 1f);
            AddLinear(w, prefix + "attn_output", n, n, random, gain: 1f);
            AddNorm(w, prefix + "attn_output_norm", random);
            AddLinear(w, prefix + "ffn_up", n, ff, random, gain: 1f);
            AddLinear(w, prefix + "ffn_down", ff, n, random, gain: 1f);
            AddNorm(w, prefix + "layer_output_norm", random);
        }
    }

    private static void AddLinear(GgufWriter w, string name, int inputs, int outputs, SplitMix64 random, float gain)
    {
        w.AddTensor(name + ".weight", GgufTensorType.F32, random.Uniform(inputs * outputs, gain * MathF.Sqrt(3f / inputs)), inputs, outputs);
        w.AddTensor(name + ".bias", GgufTensorType.F32, random.Uniform(outputs, 0.1f), outputs);
    }

    private static void AddNorm(GgufWriter w, string name, SplitMix64 random)
    {
        var weight = random.Uniform(EmbeddingLength, 0.2f);
        for (var i = 0; i < weight.Length; i++) weight[i] += 1f;
        w.AddTensor(name + ".weight", GgufTensorType.F32, weight, EmbeddingLength);
        w.AddTensor(name + ".bias", GgufTensorType.F32, random.Uniform(EmbeddingLength, 0.1f), EmbeddingLength);
    }

    /// <summary>Steele, Lea and Flood's SplitMix64: tiny, fast, and fixed for all time, unlike <see cref="Random"/>.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        /// <summary>Returns <paramref name="count"/> values uniform in [-scale, scale).</summary>
        public float[] Uniform(int count, float scale)
        {
            var values = new float[count];
            for (var i = 0; i < values.Length; i++) values[i] = (float)((Next() >> 11) * (1.0 / (1UL << 53)) * 2 - 1) * scale;
            return values;
        }

        private ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
