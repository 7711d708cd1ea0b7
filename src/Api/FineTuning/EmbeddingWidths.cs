using System.Collections.Concurrent;
using Llm.Runtime.Gguf;
using Llm.Runtime.Models;

namespace Llm.Api.FineTuning;

/// <summary>
/// The embedding width of each served model, read once from its GGUF header (<c>{arch}.embedding_length</c>), so a
/// text job's memory can be estimated before the model is loaded.
/// </summary>
/// <remarks>Thread-safe; remembers each file's answer, unreadable files included.</remarks>
public sealed class EmbeddingWidths(ModelRegistry models)
{
    private readonly ConcurrentDictionary<string, int?> _widths = new(StringComparer.Ordinal);

    /// <summary>Gets the width of <paramref name="model"/>'s embeddings; null when the model is unknown or its header does not say.</summary>
    public int? Of(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!models.TryGetEntry(model, out var entry)) return null;
        return _widths.GetOrAdd(entry.Settings.Path, Read);
    }

    private static int? Read(string path)
    {
        try
        {
            var file = GgufReader.ReadFile(path);
            return file.GetInteger($"{file.Architecture ?? "llama"}.embedding_length") is { } width and > 0 and <= int.MaxValue ? (int)width : null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or OverflowException)
        {
            return null;
        }
    }
}
