namespace Llm.Api.Hosting;

/// <summary>
/// The server's settings, bound from the <c>Llm</c> section of appsettings.json, then environment variables
/// (<c>Llm__Port=9000</c>), then command-line flags (<c>--port 9000</c>), each overriding the one before.
/// </summary>
public sealed class ServerOptions
{
    public const string Section = "Llm";

    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 8080;
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;
    public string? CacheDirectory { get; set; }
    public int ContextSize { get; set; } = 4096;
    public int GpuLayers { get; set; }
    public int Threads { get; set; }
    public int BatchSize { get; set; } = 512;
    public int Parallel { get; set; } = 4;
    public int MaxChoices { get; set; } = 8;
    public int MaxQueue { get; set; } = 64;
    /// <summary>Prefixes kept for reuse after their requests end; null means as many as <see cref="Parallel"/>, 0 turns the prefix cache off.</summary>
    public int? CacheSlots { get; set; }
    public string? ChatTemplate { get; set; }
    public List<ModelOption> Models { get; set; } = [];

    /// <summary>Where uploaded files, fine-tuning jobs and adapters are kept; null means $XDG_DATA_HOME/llm or ~/.local/share/llm.</summary>
    public string? DataDirectory { get; set; }
    public long MaxUploadBytes { get; set; } = 64 * 1024 * 1024;
    public int MaxConcurrentJobs { get; set; } = 1;

    /// <summary>Returns the first problem with the settings, or null when they are usable.</summary>
    public string? Validate()
    {
        if (Port is < 0 or > 65535) return $"--port must be between 0 and 65535 (got {Port}).";
        if (MaxRequestBodyBytes < 1024) return $"Llm:MaxRequestBodyBytes must be at least 1024 (got {MaxRequestBodyBytes}).";
        if (ContextSize is < 0 or > 1 << 20) return $"--ctx-size must be between 0 (the model's own) and 1048576 (got {ContextSize}).";
        if (Threads is < 0 or > 1024) return $"--threads must be between 0 (physical cores) and 1024 (got {Threads}).";
        if (BatchSize is < 1 or > 1 << 16) return $"--batch-size must be between 1 and 65536 (got {BatchSize}).";
        if (Parallel is < 1 or > 256) return $"--parallel must be between 1 and 256 (got {Parallel}).";
        if (MaxChoices is < 1 or > 128) return $"Llm:MaxChoices must be between 1 and 128 (got {MaxChoices}).";
        if (MaxUploadBytes < 1024) return $"Llm:MaxUploadBytes must be at least 1024 (got {MaxUploadBytes}).";
        if (MaxConcurrentJobs is < 1 or > 64) return $"Llm:MaxConcurrentJobs must be between 1 and 64 (got {MaxConcurrentJobs}).";
        if (MaxQueue is < 0 or > 1 << 20) return $"--max-queue must be between 0 and 1048576 (got {MaxQueue}).";
        if (CacheSlots is < 0 || Parallel + (CacheSlots ?? Parallel) > 256)
            return $"--cache-slots must be at least 0, and --parallel plus --cache-slots at most 256 (got {Parallel} + {CacheSlots ?? Parallel}).";
        foreach (var model in Models)
        {
            if (string.IsNullOrWhiteSpace(model.Path)) return $"Model '{model.Name}' has no path.";
        }
        return null;
    }
}

/// <summary>One configured model.</summary>
public sealed class ModelOption
{
    public string? Name { get; set; }
    public string Path { get; set; } = string.Empty;
    public string? ChatTemplate { get; set; }
}
