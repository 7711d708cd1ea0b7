using Llm.Runtime.Gguf.RandomWeights;

namespace Llm.Tests.Families;

/// <summary>
/// The BERT-style embedding test model: <see cref="BertRandomModel"/> with the WordPiece vocabulary of
/// llama.cpp's <c>ggml-vocab-bert-bge.gguf</c> (from <c>../shared/models</c>), built once into the test cache
/// (<c>CacheRoot/models/bert-bge-v1.gguf</c>) and reused by later runs. Shared by the test projects as linked source.
/// </summary>
internal static class BertModel
{
    /// <summary>The name tests serve the model under.</summary>
    public const string Name = "bert";

    /// <summary>The name of the llama.cpp tokenizer test vectors for this vocabulary (<c>../shared/tokenizer-tests</c>).</summary>
    public const string VocabularyName = "bert-bge";

    /// <summary>[CLS], which llama.cpp puts first when special tokens are added, and whose state CLS pooling returns.</summary>
    public const int ClsToken = 101;

    /// <summary>[SEP], which llama.cpp puts last when special tokens are added.</summary>
    public const int SepToken = 102;

    // Bump with any change to BertRandomModel's weights or keys: the cache outlives builds.
    private const string FileName = "bert-bge-v1.gguf";

    private static readonly Lock s_gate = new();
    private static string? s_path;

    /// <summary>Returns the model's path, building it first when absent.</summary>
    /// <exception cref="InvalidOperationException">../shared/models/ggml-vocab-bert-bge.gguf is absent.</exception>
    public static string Path
    {
        get
        {
            lock (s_gate)
            {
                if (s_path is not null) return s_path;
                var path = System.IO.Path.Combine(HuggingFaceTokenizers.CacheRoot, "models", FileName);
                if (!File.Exists(path))
                {
                    // Two test processes may race here: each writes its own temp file and renames it over the
                    // target, and both files are byte-identical (the weights are seeded).
                    try
                    {
                        BertRandomModel.WriteFile(VocabularyPath, path);
                    }
                    catch (IOException) when (File.Exists(path))
                    {
                    }
                }
                return s_path = path;
            }
        }
    }

    /// <summary>Gets the vocabulary file the model copies its <c>tokenizer.*</c> keys from.</summary>
    public static string VocabularyPath => FamilyModels.SharedFile("models", "ggml-vocab-bert-bge.gguf");
}
