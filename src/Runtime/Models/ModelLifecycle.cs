namespace Llm.Runtime.Models;

/// <summary>How long models stay loaded and how many fit at once.</summary>
public sealed record ModelLifecycle
{
    /// <summary>Gets how long an idle model stays loaded after its last use; null keeps models loaded.</summary>
    public TimeSpan? KeepAlive { get; init; }

    /// <summary>Gets the most models loaded at once (least recently used idle ones are unloaded first); 0 means no limit.</summary>
    public int MaxLoaded { get; init; }

    /// <summary>Gets the memory the loaded models may take together (estimated weights plus KV cache); 0 means no limit.</summary>
    public long MemoryBudgetBytes { get; init; }

    /// <summary>Gets how often idle models are checked against <see cref="KeepAlive"/>.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);
}
