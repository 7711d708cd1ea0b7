using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Llm.Api.Contracts.FineTuning;
using Llm.Runtime.Gguf;

namespace Llm.Api.FineTuning;

/// <summary>
/// Files, jobs and adapters under the data directory, kept in memory and mirrored to disk:
/// <c>files/{id}.json</c> + <c>files/{id}.data</c>, <c>jobs/{id}.json</c> and <c>adapters/{job id}.adapter</c>.
/// Every write goes to a temp file that is renamed over the target, so a crash leaves the previous or
/// the new record, never a torn one.
/// </summary>
/// <remarks>Thread-safe: one lock guards the maps and serialises writes of records.</remarks>
public sealed partial class FineTuningStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredJob> _jobs = new(StringComparer.Ordinal);
    private readonly string _filesFolder;
    private readonly string _jobsFolder;
    private readonly string _adaptersFolder;
    private long _sequence;

    public FineTuningStore(string root, ILogger<FineTuningStore> logger)
    {
        Root = Path.GetFullPath(root);
        _filesFolder = Directory.CreateDirectory(Path.Combine(Root, "files")).FullName;
        _jobsFolder = Directory.CreateDirectory(Path.Combine(Root, "jobs")).FullName;
        _adaptersFolder = Directory.CreateDirectory(Path.Combine(Root, "adapters")).FullName;
        foreach (var file in LoadAll(_filesFolder, FineTuningStoreJsonContext.Default.StoredFile, logger))
            if (File.Exists(ContentPath(file.File.Id))) _files[file.File.Id] = file;
        foreach (var job in LoadAll(_jobsFolder, FineTuningStoreJsonContext.Default.StoredJob, logger))
        {
            _jobs[job.Job.Id] = job;
            _sequence = Math.Max(_sequence, job.Sequence);
        }
    }

    /// <summary>Gets the data directory.</summary>
    public string Root { get; }

    public string ContentPath(string fileId) => Path.Combine(_filesFolder, fileId + ".data");

    public string AdapterPath(string jobId) => Path.Combine(_adaptersFolder, jobId + ".adapter");

    /// <summary>Writes the content, then the record, so a listed file always has its content.</summary>
    public void AddFile(StoredFile file, ReadOnlySpan<byte> content)
    {
        var bytes = content.ToArray();
        AtomicFile.Write(ContentPath(file.File.Id), stream => stream.Write(bytes));
        lock (_gate)
        {
            Save(_filesFolder, file.File.Id, file, FineTuningStoreJsonContext.Default.StoredFile);
            _files[file.File.Id] = file;
        }
    }

    public StoredFile? GetFile(string id)
    {
        lock (_gate) return _files.GetValueOrDefault(id);
    }

    /// <summary>Files, newest first.</summary>
    public IReadOnlyList<StoredFile> ListFiles()
    {
        lock (_gate) return _files.Values.OrderByDescending(f => f.File.CreatedAt).ThenByDescending(f => f.File.Id, StringComparer.Ordinal).ToArray();
    }

    public bool DeleteFile(string id)
    {
        lock (_gate)
        {
            if (!_files.Remove(id)) return false;
            File.Delete(Path.Combine(_filesFolder, id + ".json"));
            File.Delete(ContentPath(id));
            return true;
        }
    }

    /// <summary>Adds a new job, giving it the next creation sequence number.</summary>
    public StoredJob AddJob(FineTuningJob job, FineTuningJobEvent created)
    {
        lock (_gate)
        {
            var stored = new StoredJob(job, ++_sequence, [created]);
            Save(_jobsFolder, job.Id, stored, FineTuningStoreJsonContext.Default.StoredJob);
            _jobs[job.Id] = stored;
            return stored;
        }
    }

    public StoredJob? GetJob(string id)
    {
        lock (_gate) return _jobs.GetValueOrDefault(id);
    }

    /// <summary>Jobs, newest first.</summary>
    public IReadOnlyList<StoredJob> ListJobs()
    {
        lock (_gate) return _jobs.Values.OrderByDescending(j => j.Sequence).ToArray();
    }

    /// <summary>The succeeded job whose adapter is called <paramref name="fineTunedModel"/>.</summary>
    public StoredJob? FindByFineTunedModel(string fineTunedModel)
    {
        lock (_gate) return _jobs.Values.FirstOrDefault(j => j.Job.Status == JobStatus.Succeeded && j.Job.FineTunedModel == fineTunedModel);
    }

    /// <summary>
    /// Applies <paramref name="update"/> atomically with respect to other updates; returns the new record, or
    /// null when the job does not exist or <paramref name="update"/> returned null (no change).
    /// </summary>
    /// <param name="id">The job.</param>
    /// <param name="update">Computes the new record from the current one.</param>
    /// <param name="persist">False keeps the change in memory only (frequent progress events); the next persisted update writes it.</param>
    public StoredJob? UpdateJob(string id, Func<StoredJob, StoredJob?> update, bool persist = true)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var current) || update(current) is not { } next) return null;
            if (persist) Save(_jobsFolder, id, next, FineTuningStoreJsonContext.Default.StoredJob);
            _jobs[id] = next;
            return next;
        }
    }

    private static void Save<T>(string folder, string id, T value, JsonTypeInfo<T> typeInfo) =>
        AtomicFile.Write(Path.Combine(folder, id + ".json"), stream => JsonSerializer.Serialize(stream, value, typeInfo));

    private static IEnumerable<T> LoadAll<T>(string folder, JsonTypeInfo<T> typeInfo, ILogger logger) where T : class
    {
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            T? value = null;
            try
            {
                using var stream = File.OpenRead(path);
                value = JsonSerializer.Deserialize(stream, typeInfo);
            }
            catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException)
            {
                LogUnreadable(logger, path, ex.Message);
            }
            if (value is not null) yield return value;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping unreadable fine-tuning record {Path}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}
