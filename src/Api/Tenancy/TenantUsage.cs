namespace Llm.Api.Tenancy;

/// <summary>What one tenant holds now, as its quotas count it.</summary>
/// <param name="StoredBytes">Bytes of its uploaded files (content only).</param>
/// <param name="Files">Its uploaded files.</param>
/// <param name="ActiveJobs">Its fine-tuning jobs that have not ended (validating, queued or running).</param>
public readonly record struct TenantUsage(long StoredBytes, int Files, int ActiveJobs);
