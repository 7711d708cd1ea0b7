using System.Diagnostics;

namespace Llm.Runtime.Models;

/// <summary>The mutable state of one configured model; <see cref="ModelRegistry"/> guards it with its lock.</summary>
internal sealed class ModelSlot(ModelSettings settings)
{
    public ModelSettings Settings { get; } = settings;

    public ModelState State { get; set; } = ModelState.Unloaded;

    public ModelHost? Host { get; private set; }

    public string? Error { get; set; }

    public Task<ModelHost>? Load { get; set; }

    public double? LoadSeconds { get; private set; }

    public long LastUsedTicks { get; private set; } = Stopwatch.GetTimestamp();

    public long EstimatedBytes { get; } = ModelMemory.Estimate(settings);

    private DateTimeOffset? _lastUsed;

    public void Touch()
    {
        LastUsedTicks = Stopwatch.GetTimestamp();
        _lastUsed = DateTimeOffset.UtcNow;
    }

    public void Loaded(ModelHost host, double seconds)
    {
        Host = host;
        State = ModelState.Ready;
        Load = null;
        LoadSeconds = seconds;
        Touch();
    }

    /// <summary>Forgets the host and returns it for the caller to dispose outside the lock.</summary>
    public ModelHost? Unload()
    {
        var host = Host;
        Host = null;
        if (State == ModelState.Ready) State = ModelState.Unloaded;
        return host;
    }

    // No sequence running or queued, and not asked for within `quiet`.
    public bool IsIdle(TimeSpan quiet)
    {
        if (Host is null || Stopwatch.GetElapsedTime(LastUsedTicks) < quiet) return false;
        var metrics = Host.GetMetrics();
        return metrics.ActiveSequences == 0 && metrics.WaitingSequences == 0;
    }

    public ModelEntry ToEntry() => new(Settings, State, Host, Error)
    {
        LoadSeconds = LoadSeconds,
        EstimatedBytes = EstimatedBytes,
        LastUsed = _lastUsed,
    };
}
