using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Llm.Api.Contracts.FineTuning;
using Llm.Api.Tenancy;
using Llm.Runtime.Gguf;

namespace Llm.Api.FineTuning;

/// <summary>
/// Files, jobs and adapters under the data directory, kept in memory and mirrored to disk, one folder per tenant:
/// <c>tenants/{tenant}/files/{id}.json</c> + <c>.data</c>, <c>tenants/{tenant}/jobs/{id}.json</c> and
/// <c>tenants/{tenant}/adapters/{job id}.adapter</c>. The folder a record lies in is its owner, so removing a tenant
/// (server stopped) is removing its folder. Every write goes to a temp file that is renamed over the target, so a
/// crash leaves the previous or the new record, never a torn one.
/// </summary>
/// <remarks>
/// Ids are random and unique across tenants. The methods taking a <see cref="Tenant"/> answer as that caller
/// sees the data: another tenant's record is absent (null, false, not listed), exactly like one that does not
/// exist; admins see everything. The others are for the server itself (the job runner).
/// Thread-safe: one lock guards the maps, the quotas' counts and serialises writes of records.
/// </remarks>
public sealed partial class FineTuningStore
{
    /// <summary>The folder under the data directory that holds one folder per tenant.</summary>
    public const string TenantsFolder = "tenants";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredJob> _jobs = new(StringComparer.Ordinal);
    // The owner of every file and job id (ids of both kinds differ by prefix).
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    // Uploads admitted by the quotas whose content is still being written.
    private readonly Dictionary<string, TenantUsage> _pending = new(StringComparer.Ordinal);
    private readonly TenantQuotas _quotas;
    private readonly string _tenantsRoot;
    private long _sequence;

    /// <summary>Initializes a new instance of the <see cref="FineTuningStore"/> class, moving an old-layout data directory into <see cref="Tenant.Default"/>'s folder first.</summary>
    /// <param name="root">The data directory.</param>
    /// <param name="logger">Where unreadable records and the migration are reported.</param>
    /// <param name="quotas">Per-tenant limits checked when files and jobs are added; null means none.</param>
    public FineTuningStore(string root, ILogger<FineTuningStore> logger, TenantQuotas? quotas = null)
    {
        Root = Path.GetFullPath(root);
        _quotas = quotas ?? TenantQuotas.None;
        _tenantsRoot = Path.Combine(Root, TenantsFolder);
        LegacyLayoutMigration.Run(Root, Path.Combine(_tenantsRoot, Tenant.Default.Id), logger);
        Directory.CreateDirectory(_tenantsRoot);
        foreach (var folder in Directory.EnumerateDirectories(_tenantsRoot))
        {
            var owner = Path.GetFileName(folder);
            if (!TenantName.IsValid(owner))
            {
                LogStrayFolder(logger, folder);
                continue;
            }
            foreach (var file in LoadAll(Path.Combine(folder, "files"), FineTuningStoreJsonContext.Default.StoredFile, logger))
            {
                if (!File.Exists(Path.Combine(folder, "files", file.File.Id + ".data")) || !Claim(file.File.Id, owner, logger)) continue;
                _files[file.File.Id] = file;
            }
            foreach (var job in LoadAll(Path.Combine(folder, "jobs"), FineTuningStoreJsonContext.Default.StoredJob, logger))
            {
                if (!Claim(job.Job.Id, owner, logger)) continue;
                _jobs[job.Job.Id] = job;
                _sequence = Math.Max(_sequence, job.Sequence);
            }
        }
    }

    /// <summary>Gets the data directory.</summary>
    public string Root { get; }

    /// <summary>Gets the folder holding everything <paramref name="tenantId"/> stored.</summary>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is not a valid tenant name.</exception>
    public string TenantFolder(string tenantId) =>
        TenantName.Problem(tenantId) is { } problem ? throw new ArgumentException(problem, nameof(tenantId)) : Path.Combine(_tenantsRoot, tenantId);

    /// <summary>Gets the path of a stored file's content.</summary>
    /// <exception cref="FileNotFoundException">No such file (it may have just been deleted).</exception>
    public string ContentPath(string fileId) => Path.Combine(TenantFolder(OwnerOf(fileId) ?? throw Missing(fileId)), "files", fileId + ".data");

    /// <summary>Gets where a job's adapter is (or will be) saved.</summary>
    /// <exception cref="FileNotFoundException">No such job.</exception>
    public string AdapterPath(string jobId) => Path.Combine(TenantFolder(OwnerOf(jobId) ?? throw Missing(jobId)), "adapters", jobId + ".adapter");

    /// <summary>Returns the tenant that owns a file or job, or null when there is no such id.</summary>
    public string? OwnerOf(string id)
    {
        lock (_gate) return _owners.GetValueOrDefault(id);
    }

    /// <summary>Returns what a tenant holds now, uploads being written included.</summary>
    public TenantUsage Usage(string tenantId)
    {
        lock (_gate) return UsageLocked(tenantId);
    }

    /// <summary>Throws the quota error when one more file of <paramref name="bytes"/> bytes would not fit; a cheap early check before an upload is parsed.</summary>
    /// <exception cref="Errors.OpenAiException">400 <c>quota_exceeded</c>.</exception>
    public void CheckFileQuota(Tenant owner, long bytes)
    {
        ArgumentNullException.ThrowIfNull(owner);
        lock (_gate) _quotas.CheckFile(owner, UsageLocked(owner.Id), bytes);
    }

    /// <summary>
    /// Stores a file for <paramref name="owner"/>: checks its quotas and reserves the room, writes the content, then
    /// the record, so a listed file always has its content and concurrent uploads cannot pass a quota together.
    /// </summary>
    /// <exception cref="Errors.OpenAiException">400 <c>quota_exceeded</c>; nothing was written.</exception>
    public void AddFile(Tenant owner, StoredFile file, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(file);
        var id = file.File.Id;
        var folder = Path.Combine(TenantFolder(owner.Id), "files");
        var size = new TenantUsage(content.Length, 1, 0);
        lock (_gate)
        {
            _quotas.CheckFile(owner, UsageLocked(owner.Id), content.Length);
            _pending[owner.Id] = Add(_pending.GetValueOrDefault(owner.Id), size, 1);
        }
        var contentPath = Path.Combine(folder, id + ".data");
        try
        {
            var bytes = content.ToArray();
            AtomicFile.Write(contentPath, stream => stream.Write(bytes));
            lock (_gate)
            {
                Save(folder, id, file, FineTuningStoreJsonContext.Default.StoredFile);
                _files[id] = file;
                _owners[id] = owner.Id;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No record points at the content, so it would only take room.
            File.Delete(contentPath);
            throw;
        }
        finally
        {
            lock (_gate) _pending[owner.Id] = Add(_pending[owner.Id], size, -1);
        }
    }

    /// <summary>Gets a file whoever owns it (for the server's own use).</summary>
    public StoredFile? GetFile(string id)
    {
        lock (_gate) return _files.GetValueOrDefault(id);
    }

    /// <summary>Gets a file as <paramref name="caller"/> sees it: null when it does not exist or belongs to another tenant.</summary>
    public StoredFile? GetFile(string id, Tenant caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        lock (_gate) return _files.TryGetValue(id, out var file) && caller.CanSee(_owners[id]) ? file : null;
    }

    /// <summary>The files <paramref name="caller"/> sees (its own; every tenant's for admins), newest first.</summary>
    public IReadOnlyList<StoredFile> ListFiles(Tenant caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        lock (_gate)
        {
            return _files.Values.Where(f => caller.CanSee(_owners[f.File.Id]))
                .OrderByDescending(f => f.File.CreatedAt).ThenByDescending(f => f.File.Id, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>Deletes a file <paramref name="caller"/> sees, freeing its quota; false when it sees no such file.</summary>
    public bool DeleteFile(string id, Tenant caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        lock (_gate)
        {
            if (!_files.ContainsKey(id) || !caller.CanSee(_owners[id])) return false;
            var folder = Path.Combine(TenantFolder(_owners[id]), "files");
            _files.Remove(id);
            _owners.Remove(id);
            File.Delete(Path.Combine(folder, id + ".json"));
            File.Delete(Path.Combine(folder, id + ".data"));
            return true;
        }
    }

    /// <summary>Adds a new job owned by <paramref name="owner"/>, giving it the next creation sequence number.</summary>
    /// <exception cref="Errors.OpenAiException">400 <c>quota_exceeded</c>: the owner has as many unfinished jobs as its quota allows.</exception>
    public StoredJob AddJob(Tenant owner, FineTuningJob job, FineTuningJobEvent created)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(job);
        lock (_gate)
        {
            _quotas.CheckJob(owner, UsageLocked(owner.Id));
            var stored = new StoredJob(job, ++_sequence, [created]);
            Save(Path.Combine(TenantFolder(owner.Id), "jobs"), job.Id, stored, FineTuningStoreJsonContext.Default.StoredJob);
            _jobs[job.Id] = stored;
            _owners[job.Id] = owner.Id;
            return stored;
        }
    }

    /// <summary>Gets a job whoever owns it (for the server's own use).</summary>
    public StoredJob? GetJob(string id)
    {
        lock (_gate) return _jobs.GetValueOrDefault(id);
    }

    /// <summary>Gets a job as <paramref name="caller"/> sees it: null when it does not exist or belongs to another tenant.</summary>
    public StoredJob? GetJob(string id, Tenant caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        lock (_gate) return _jobs.TryGetValue(id, out var job) && caller.CanSee(_owners[id]) ? job : null;
    }

    /// <summary>Every tenant's jobs, newest first (for the server's own use).</summary>
    public IReadOnlyList<StoredJob> ListJobs()
    {
        lock (_gate) return _jobs.Values.OrderByDescending(j => j.Sequence).ToArray();
    }

    /// <summary>The jobs <paramref name="caller"/> sees (its own; every tenant's for admins), newest first.</summary>
    public IReadOnlyList<StoredJob> ListJobs(Tenant caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        lock (_gate) return _jobs.Values.Where(j => caller.CanSee(_owners[j.Job.Id])).OrderByDescending(j => j.Sequence).ToArray();
    }

    /// <summary>The succeeded job, among those <paramref name="caller"/> sees, whose adapter is called <paramref name="fineTunedModel"/>.</summary>
    public StoredJob? FindByFineTunedModel(string fineTunedModel, Tenant caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        lock (_gate)
        {
            return _jobs.Values.FirstOrDefault(j => j.Job.Status == JobStatus.Succeeded && j.Job.FineTunedModel == fineTunedModel && caller.CanSee(_owners[j.Job.Id]));
        }
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
            if (persist) Save(Path.Combine(TenantFolder(_owners[id]), "jobs"), id, next, FineTuningStoreJsonContext.Default.StoredJob);
            _jobs[id] = next;
            return next;
        }
    }

    private TenantUsage UsageLocked(string tenantId)
    {
        long bytes = 0;
        int files = 0, active = 0;
        foreach (var (id, owner) in _owners)
        {
            if (owner != tenantId) continue;
            if (_files.TryGetValue(id, out var file))
            {
                bytes += file.File.Bytes;
                files++;
            }
            else if (_jobs.TryGetValue(id, out var job) && !JobStatus.IsFinal(job.Job.Status))
            {
                active++;
            }
        }
        return Add(new TenantUsage(bytes, files, active), _pending.GetValueOrDefault(tenantId), 1);
    }

    private static TenantUsage Add(TenantUsage a, TenantUsage b, int sign) =>
        new(a.StoredBytes + sign * b.StoredBytes, a.Files + sign * b.Files, a.ActiveJobs + sign * b.ActiveJobs);

    private bool Claim(string id, string owner, ILogger logger)
    {
        if (_owners.TryGetValue(id, out var first))
        {
            LogDuplicate(logger, id, first, owner);
            return false;
        }
        _owners[id] = owner;
        return true;
    }

    private static FileNotFoundException Missing(string id) => new($"No file or job '{id}' is stored.");

    private static void Save<T>(string folder, string id, T value, JsonTypeInfo<T> typeInfo) =>
        AtomicFile.Write(Path.Combine(folder, id + ".json"), stream => JsonSerializer.Serialize(stream, value, typeInfo));

    private static IEnumerable<T> LoadAll<T>(string folder, JsonTypeInfo<T> typeInfo, ILogger logger) where T : class
    {
        if (!Directory.Exists(folder)) yield break;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping {Folder}: not a valid tenant name")]
    private static partial void LogStrayFolder(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping {Id} in tenant {Second}: tenant {First} already holds a record with that id")]
    private static partial void LogDuplicate(ILogger logger, string id, string first, string second);
}
