namespace Llm.Runtime.Models;

/// <summary>Cheap checks of a model path, so a typo fails at start-up with a clear reason instead of a native error.</summary>
public static class ModelFileCheck
{
    private static ReadOnlySpan<byte> GgufMagic => "GGUF"u8;

    /// <summary>Throws unless the file exists, can be read and starts with the GGUF magic.</summary>
    /// <exception cref="ModelLoadException">The reason, in one line.</exception>
    public static void EnsureReadable(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ModelLoadException("No model path was given.");
        if (Directory.Exists(path)) throw new ModelLoadException($"Model path '{path}' is a directory, not a GGUF file.");
        if (!File.Exists(path)) throw new ModelLoadException($"Model file '{path}' does not exist.");
        Span<byte> magic = stackalloc byte[4];
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || !magic.SequenceEqual(GgufMagic))
                throw new ModelLoadException($"Model file '{path}' is not a GGUF file (bad magic).");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"Model file '{path}' cannot be read: {ex.Message}", ex);
        }
    }
}
