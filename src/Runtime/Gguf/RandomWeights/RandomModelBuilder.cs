namespace Llm.Runtime.Gguf.RandomWeights;

/// <summary>
/// Writes small random-weight GGUF models of real families (<see cref="RandomModelArchitecture"/>) that llama.cpp
/// loads and runs, carrying a vocabulary supplied by the caller. The hyper-parameter keys and tensor names/shapes are
/// those llama.cpp's <c>src/llama-model.cpp</c> reads for each architecture. Weights are F16 (norms F32) from a seeded
/// generator: the same builder settings give the same file bytes. The output is meaningless text, but greedy output
/// depends on the context and sampled output on the sampling seed.
/// </summary>
/// <example><code>
/// var keys = GgufTokenizerKeys.FromFile("ggml-vocab-gpt-2.gguf");
/// new RandomModelBuilder(RandomModelArchitecture.Qwen3, keys.VocabularySize, keys.WriteTo) { Seed = 7 }.WriteFile("m.gguf");
/// </code></example>
public sealed class RandomModelBuilder
{
    private readonly Action<GgufWriter> _writeTokenizer;

    /// <param name="architecture">The family whose layout is written.</param>
    /// <param name="vocabularySize">Number of tokens the tokenizer keys define (rows of <c>token_embd</c>).</param>
    /// <param name="writeTokenizer">Writes the <c>tokenizer.*</c> keys (tokens, scores, types, merges, special ids,
    /// template) into the writer; called once per <see cref="Create"/>.</param>
    public RandomModelBuilder(RandomModelArchitecture architecture, int vocabularySize, Action<GgufWriter> writeTokenizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        ArgumentNullException.ThrowIfNull(writeTokenizer);
        if (!Enum.IsDefined(architecture)) throw new ArgumentOutOfRangeException(nameof(architecture));
        Architecture = architecture;
        VocabularySize = vocabularySize;
        _writeTokenizer = writeTokenizer;
    }

    public RandomModelArchitecture Architecture { get; }

    public int VocabularySize { get; }

    /// <summary>Seed of the weights; the file bytes are a function of it and the other settings.</summary>
    public int Seed { get; init; }

    public RandomModelShape Shape { get; init; } = new();

    /// <summary><c>general.name</c>; defaults to "random-ARCH".</summary>
    public string? Name { get; init; }

    /// <summary>When set, written as <c>tokenizer.chat_template</c> after the tokenizer keys (replacing theirs).</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>The GGUF name of an architecture (<c>general.architecture</c>, and the prefix of its keys).</summary>
    public static string GgufName(RandomModelArchitecture architecture) => architecture switch
    {
        RandomModelArchitecture.Llama => "llama",
        RandomModelArchitecture.Qwen3 => "qwen3",
        RandomModelArchitecture.Gemma3 => "gemma3",
        RandomModelArchitecture.Phi3 => "phi3",
        _ => throw new ArgumentOutOfRangeException(nameof(architecture)),
    };

    /// <summary>Builds the model in memory.</summary>
    /// <exception cref="ArgumentException">The shape is inconsistent (see <see cref="RandomModelShape"/>).</exception>
    public GgufWriter Create()
    {
        Shape.Validate();
        var arch = GgufName(Architecture);
        var w = new GgufWriter();
        w.Set("general.architecture", GgufValue.String(arch))
            .Set("general.name", GgufValue.String(Name ?? "random-" + arch))
            .Set("general.alignment", GgufValue.UInt32(32))
            .Set("general.file_type", GgufValue.UInt32(1)); // mostly F16
        SetHyperParameters(w, arch);
        _writeTokenizer(w);
        if (ChatTemplate is not null) w.Set("tokenizer.chat_template", GgufValue.String(ChatTemplate));
        var tensors = new RandomTensorSet(w, new SeededWeights(Seed), Shape, VocabularySize);
        switch (Architecture)
        {
            case RandomModelArchitecture.Llama: FamilyLayouts.Llama(tensors); break;
            case RandomModelArchitecture.Qwen3: FamilyLayouts.Qwen3(tensors); break;
            case RandomModelArchitecture.Gemma3: FamilyLayouts.Gemma3(tensors); break;
            case RandomModelArchitecture.Phi3: FamilyLayouts.Phi3(tensors); break;
        }
        return w;
    }

    /// <summary>Builds the model and writes it atomically to <paramref name="path"/>.</summary>
    public void WriteFile(string path) => Create().WriteFile(path);

    private void SetHyperParameters(GgufWriter w, string arch)
    {
        var s = Shape;
        w.Set(arch + ".vocab_size", GgufValue.UInt32((uint)VocabularySize))
            .Set(arch + ".context_length", GgufValue.UInt32((uint)s.ContextLength))
            .Set(arch + ".embedding_length", GgufValue.UInt32((uint)s.EmbeddingLength))
            .Set(arch + ".block_count", GgufValue.UInt32((uint)s.BlockCount))
            .Set(arch + ".feed_forward_length", GgufValue.UInt32((uint)s.FeedForwardLength))
            .Set(arch + ".attention.head_count", GgufValue.UInt32((uint)s.HeadCount))
            .Set(arch + ".attention.head_count_kv", GgufValue.UInt32((uint)s.KvHeadCount))
            .Set(arch + ".attention.key_length", GgufValue.UInt32((uint)s.HeadLength))
            .Set(arch + ".attention.value_length", GgufValue.UInt32((uint)s.HeadLength))
            .Set(arch + ".attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-6f))
            .Set(arch + ".rope.dimension_count", GgufValue.UInt32((uint)s.HeadLength))
            .Set(arch + ".rope.freq_base", GgufValue.Float32(10000f));
        // gemma3 and phi3 refuse to load without a sliding window; one as long as the context never slides.
        if (Architecture is RandomModelArchitecture.Gemma3 or RandomModelArchitecture.Phi3)
            w.Set(arch + ".attention.sliding_window", GgufValue.UInt32((uint)s.ContextLength));
    }
}
