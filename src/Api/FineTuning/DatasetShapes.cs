using System.Collections.Concurrent;

namespace Llm.Api.FineTuning;

/// <summary>
/// The shape of each stored file: as recorded at upload, or, for records written before shapes were recorded,
/// found once by parsing the file through the <see cref="DatasetCache"/> and remembered.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class DatasetShapes(FineTuningStore store, DatasetCache cache)
{
    private readonly ConcurrentDictionary<string, DatasetShape> _found = new(StringComparer.Ordinal);

    /// <summary>Gets the shape of <paramref name="file"/>.</summary>
    /// <exception cref="Llm.Finetune.Data.DatasetFormatException">The stored content no longer parses.</exception>
    /// <exception cref="InvalidDataException">The stored content no longer parses.</exception>
    /// <exception cref="IOException">The content cannot be read.</exception>
    public async Task<DatasetShape> GetAsync(StoredFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (DatasetShape.FromRecord(file) is { } recorded) return recorded;
        if (_found.TryGetValue(file.File.Id, out var found)) return found;
        using var lease = await cache.AcquireAsync(file.File.Id, () => DatasetFiles.ParseFile(file.File.Filename, store.ContentPath(file.File.Id)),
            cancellationToken).ConfigureAwait(false);
        return _found[file.File.Id] = DatasetShape.Of(lease.Data, file.File.Bytes);
    }
}
