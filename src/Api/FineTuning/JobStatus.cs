namespace Llm.Api.FineTuning;

/// <summary>OpenAI's job status values.</summary>
public static class JobStatus
{
    public const string ValidatingFiles = "validating_files";
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>Whether the job has ended and will not change again.</summary>
    public static bool IsFinal(string status) => status is Succeeded or Failed or Cancelled;
}
