namespace Llm.Runtime.Gguf.RandomWeights;

/// <summary>
/// Every <c>tokenizer.*</c> key of an existing GGUF (e.g. a vocabulary-only <c>ggml-vocab-*.gguf</c> of llama.cpp's
/// test data), to be written into another model so that model carries the same vocabulary.
/// </summary>
public sealed class GgufTokenizerKeys
{
    private const string Prefix = "tokenizer.";

    private readonly IReadOnlyList<KeyValuePair<string, GgufValue>> _entries;

    private GgufTokenizerKeys(IReadOnlyList<KeyValuePair<string, GgufValue>> entries, int vocabularySize, string? sourceArchitecture)
    {
        _entries = entries;
        VocabularySize = vocabularySize;
        SourceArchitecture = sourceArchitecture;
    }

    /// <summary>Number of tokens: the length of <c>tokenizer.ggml.tokens</c>.</summary>
    public int VocabularySize { get; }

    /// <summary><c>general.architecture</c> of the source file, or null.</summary>
    public string? SourceArchitecture { get; }

    /// <summary>The copied keys, in the source file's order.</summary>
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <summary>The value of a copied key, or null.</summary>
    public GgufValue? Get(string key) => _entries.FirstOrDefault(e => e.Key == key).Value;

    /// <summary>Reads the tokenizer keys of a GGUF file (its header only).</summary>
    /// <exception cref="InvalidDataException">The file is not GGUF, or has no <c>tokenizer.ggml.tokens</c> string array.</exception>
    public static GgufTokenizerKeys FromFile(string path) => From(GgufReader.ReadFile(path));

    /// <summary>Takes the tokenizer keys of an already read GGUF header.</summary>
    /// <exception cref="InvalidDataException">There is no <c>tokenizer.ggml.tokens</c> string array.</exception>
    public static GgufTokenizerKeys From(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var entries = file.MetadataKeys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(k => KeyValuePair.Create(k, file.Metadata[k])).ToList();
        if (!file.Metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) || tokens.Value is not string[] list)
            throw new InvalidDataException("The GGUF file has no tokenizer.ggml.tokens string array.");
        return new GgufTokenizerKeys(entries, list.Length, file.Architecture);
    }

    /// <summary>Writes every copied key into <paramref name="writer"/> (replacing keys of the same name).</summary>
    public void WriteTo(GgufWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (key, value) in _entries)
            writer.Set(key, value);
    }
}
