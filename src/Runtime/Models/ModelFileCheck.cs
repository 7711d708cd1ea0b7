using Llm.Runtime.Gguf;

namespace Llm.Runtime.Models;

/// <summary>
/// Checks of a model file before llama.cpp sees it: a typo fails with a clear reason instead of a native error, and a
/// hostile or corrupt GGUF is refused (see <see cref="GgufValidator"/>) instead of aborting the process inside llama.cpp.
/// </summary>
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

    /// <summary>Throws unless the file is readable and passes <see cref="GgufValidator"/> as a full model; returns its header.</summary>
    /// <exception cref="ModelLoadException">The reason, in one line naming the key or tensor.</exception>
    public static GgufFile EnsureValid(string path)
    {
        EnsureReadable(path);
        try
        {
            return GgufValidator.ValidateFile(path);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException($"Model file '{path}' is refused: {OneLine(ex.Message)}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"Model file '{path}' cannot be read: {OneLine(ex.Message)}", ex);
        }
    }

    // Keys and tensor names come from the file: no control characters (log injection) and no megabyte-long lines.
    internal static string OneLine(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim().TrimEnd('.');
        return (clean.Length > 400 ? clean[..400] + "..." : clean) + ".";
    }
}
