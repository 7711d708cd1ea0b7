using LLama;
using LLama.Common;
using Llm.Runtime.Gguf;
using Llm.Runtime.Gguf.HuggingFace;
using Llm.Tests.Families;

namespace Llm.Runtime.Tests.Gguf.HuggingFace;

/// <summary>
/// Converts the Hugging Face tokenizers of the families under test once per test class and writes each as a
/// vocabulary-only GGUF (architecture keys, no tensors, like ../shared/models/ggml-vocab-*.gguf) into a temp folder,
/// then loads it in llama.cpp. Gemma 3's tokenizer.json is 33 MB: each family is converted on first use only.
/// </summary>
public sealed class FamilyVocabularies : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "llm-hf-vocab-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, (HuggingFaceVocabulary Vocabulary, LLamaWeights Weights)> _loaded = [];
    private readonly Lock _gate = new();

    /// <summary>The llama.cpp architecture each family's models use.</summary>
    public static string Architecture(string family) => family switch
    {
        "llama3_1" => "llama",
        "qwen3" => "qwen3",
        "gemma3" => "gemma3",
        _ => throw new ArgumentException(family, nameof(family)),
    };

    /// <summary>Meta's Llama 3.1 names for three tokens Llama 3.0 (the npm package) calls reserved.</summary>
    public static IReadOnlyDictionary<int, string> Llama31Renames { get; } = new Dictionary<int, string>
    {
        [128004] = "<|finetune_right_pad_id|>",
        [128008] = "<|eom_id|>",
        [128010] = "<|python_tag|>",
    };

    public HuggingFaceVocabulary Vocabulary(string family) => Get(family).Vocabulary;

    public LLamaWeights Weights(string family) => Get(family).Weights;

    /// <summary>Writes a vocabulary-only GGUF: the hyper-parameters llama.cpp's loader requires, then the vocabulary.</summary>
    public static void WriteVocabularyOnly(HuggingFaceVocabulary vocabulary, string architecture, string path)
    {
        var writer = new GgufWriter()
            .Set("general.architecture", GgufValue.String(architecture))
            .Set("general.name", GgufValue.String("vocab-only"))
            .Set($"{architecture}.context_length", GgufValue.UInt32(4096))
            .Set($"{architecture}.embedding_length", GgufValue.UInt32(64))
            .Set($"{architecture}.block_count", GgufValue.UInt32(1))
            .Set($"{architecture}.feed_forward_length", GgufValue.UInt32(128))
            .Set($"{architecture}.attention.head_count", GgufValue.UInt32(2))
            .Set($"{architecture}.attention.head_count_kv", GgufValue.UInt32(2))
            .Set($"{architecture}.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-6f));
        vocabulary.WriteTo(writer).WriteFile(path);
    }

    private (HuggingFaceVocabulary Vocabulary, LLamaWeights Weights) Get(string family)
    {
        lock (_gate)
        {
            if (_loaded.TryGetValue(family, out var loaded)) return loaded;
            var options = family == "llama3_1" ? new HuggingFaceVocabularyOptions { Renames = Llama31Renames } : null;
            var vocabulary = HuggingFaceVocabulary.Load(HuggingFaceTokenizers.Folder(family), options);
            Directory.CreateDirectory(_folder);
            var path = Path.Combine(_folder, family + ".gguf");
            WriteVocabularyOnly(vocabulary, Architecture(family), path);
            var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { VocabOnly = true });
            return _loaded[family] = (vocabulary, weights);
        }
    }

    public void Dispose()
    {
        foreach (var (_, weights) in _loaded.Values) weights.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
