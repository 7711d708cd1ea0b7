using Llm.Api.Errors;
using Llm.Api.Hosting;

namespace Llm.Api.Tenancy;

/// <summary>
/// Per-tenant limits on what a tenant stores and runs: uploaded bytes, uploaded files and unfinished fine-tuning
/// jobs. Admin tenants (and so a server without keys) have no quotas. 0 turns a limit off.
/// </summary>
/// <remarks>
/// A refusal is a 400 <c>quota_exceeded</c> naming the quota and its flag, not a 429: waiting does not free
/// stored data, and the OpenAI SDKs retry 429s. Thread-safe; immutable.
/// </remarks>
/// <param name="MaxStoredBytes">Most bytes of uploaded files per tenant (<c>--tenant-max-bytes</c>).</param>
/// <param name="MaxFiles">Most uploaded files per tenant (<c>--tenant-max-files</c>).</param>
/// <param name="MaxActiveJobs">Most unfinished fine-tuning jobs per tenant (<c>--tenant-max-active-jobs</c>).</param>
public sealed record TenantQuotas(long MaxStoredBytes, int MaxFiles, int MaxActiveJobs)
{
    /// <summary>Gets quotas that limit nothing.</summary>
    public static TenantQuotas None { get; } = new(0, 0, 0);

    /// <summary>Gets the quotas the options ask for.</summary>
    public static TenantQuotas From(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.TenantMaxStoredBytes, options.TenantMaxFiles, options.TenantMaxActiveJobs);
    }

    /// <summary>Throws a 400 <c>quota_exceeded</c> when storing one more file of <paramref name="bytes"/> bytes would pass a quota.</summary>
    /// <exception cref="OpenAiException">The file would pass the files or the bytes quota.</exception>
    public void CheckFile(Tenant tenant, TenantUsage usage, long bytes)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (tenant.IsAdmin) return;
        if (MaxFiles > 0 && usage.Files >= MaxFiles)
            throw Exceeded($"Tenant '{tenant.Id}' already stores {usage.Files} files, its quota (--tenant-max-files {MaxFiles}); delete a file to upload another.", "file");
        if (MaxStoredBytes > 0 && usage.StoredBytes + bytes > MaxStoredBytes)
            throw Exceeded($"Tenant '{tenant.Id}' stores {usage.StoredBytes} bytes; {bytes} more would pass its quota (--tenant-max-bytes {MaxStoredBytes}). Delete files to make room.", "file");
    }

    /// <summary>Throws a 400 <c>quota_exceeded</c> when one more unfinished job would pass the jobs quota.</summary>
    /// <exception cref="OpenAiException">The tenant already has as many unfinished jobs as its quota.</exception>
    public void CheckJob(Tenant tenant, TenantUsage usage)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (tenant.IsAdmin) return;
        if (MaxActiveJobs > 0 && usage.ActiveJobs >= MaxActiveJobs)
            throw Exceeded($"Tenant '{tenant.Id}' already has {usage.ActiveJobs} unfinished fine-tuning jobs, its quota (--tenant-max-active-jobs {MaxActiveJobs}); wait for one to end or cancel one.", null);
    }

    private static OpenAiException Exceeded(string message, string? param) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, "quota_exceeded");
}
