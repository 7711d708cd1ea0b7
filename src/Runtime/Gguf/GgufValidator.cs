namespace Llm.Runtime.Gguf;

/// <summary>
/// The gate between a GGUF file and llama.cpp: checks everything llama.cpp would otherwise trust (and abort or divide
/// by zero on) before it sees the file. Structure and counts are bounded by <see cref="GgufReader"/>; this adds metadata
/// types, architecture hyper-parameters, vocabulary arrays and every tensor's type, shape and data range.
/// </summary>
/// <remarks>
/// Each refusal is an <see cref="InvalidDataException"/> whose message is one line naming the key or tensor, e.g.
/// <c>tensor 'blk.0.attn_q.weight' has a zero dimension (shape [8, 0])</c>.
/// </remarks>
public static class GgufValidator
{
    /// <summary>Reads and validates a file.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="vocabularyOnly">True for files loaded with llama.cpp's <c>vocab_only</c>: hyper-parameters and weights are not required.</param>
    /// <returns>The parsed header.</returns>
    /// <exception cref="InvalidDataException">The file is refused; the message is the reason.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static GgufFile ValidateFile(string path, bool vocabularyOnly = false)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var file = GgufReader.Read(stream);
        Validate(file, stream.Length, vocabularyOnly);
        return file;
    }

    /// <summary>Validates a parsed header against the length of its file.</summary>
    /// <inheritdoc cref="ValidateFile"/>
    public static void Validate(GgufFile file, long fileLength, bool vocabularyOnly = false)
    {
        ArgumentNullException.ThrowIfNull(file);
        GgufMetadataRules.Check(file);
        GgufTensorRules.Check(file, fileLength);
        GgufVocabularyRules.Check(file);
        if (vocabularyOnly)
            return;
        if (file.Tensors.Count == 0)
            throw Refuse("the file has no tensors (a vocabulary-only file is not a model).");
        var shape = GgufHyperParameters.Check(file);
        GgufArchitectureTensors.Check(file, shape);
    }

    internal static InvalidDataException Refuse(string reason) => new(reason);
}
