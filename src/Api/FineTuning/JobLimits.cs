using Llm.Api.Hosting;

namespace Llm.Api.FineTuning;

/// <summary>The bounds every fine-tuning job is held to.</summary>
/// <param name="MaxAdapterParameters">Most trainable parameters of one adapter; 0 for no limit.</param>
/// <param name="MaxJobMemoryBytes">Most estimated peak memory of one job, in bytes; 0 for no limit.</param>
/// <param name="MaxJobEvents">Most events kept per job; 0 for no cap.</param>
public sealed record JobLimits(long MaxAdapterParameters, long MaxJobMemoryBytes, int MaxJobEvents)
{
    /// <summary>The limits configured in <paramref name="options"/>.</summary>
    public static JobLimits From(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new JobLimits(options.MaxAdapterParameters, options.MaxJobMemoryMb * 1024 * 1024, options.MaxJobEvents);
    }
}
