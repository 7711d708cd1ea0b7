namespace Llm.Api.Hosting;

/// <summary>
/// The server's settings, bound from the <c>Llm</c> section of appsettings.json, then environment variables
/// (<c>Llm__Port=9000</c>), then command-line flags (<c>--port 9000</c>), each overriding the one before.
/// </summary>
public sealed class ServerOptions
{
    public const string Section = "Llm";

    /// <summary>The <see cref="PrefixCacheScope"/> that keeps each tenant's cached prompts to itself (the default).</summary>
    public const string TenantPrefixCacheScope = "tenant";

    /// <summary>The <see cref="PrefixCacheScope"/> that lets tenants reuse each other's cached prompts.</summary>
    public const string GlobalPrefixCacheScope = "global";

    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 8080;
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;
    /// <summary>How much of an oversized body is read and discarded so its client can read the 413 (then the connection closes).</summary>
    public long MaxRequestBodyDrainBytes { get; set; } = 128L * 1024 * 1024;
    public string? CacheDirectory { get; set; }
    public int ContextSize { get; set; } = 4096;
    public int GpuLayers { get; set; }
    public int Threads { get; set; }
    public int BatchSize { get; set; } = 512;
    public int Parallel { get; set; } = 4;
    public int MaxQueue { get; set; } = 64;
    /// <summary>Prefixes kept for reuse after their requests end; null means as many as <see cref="Parallel"/>, 0 turns the prefix cache off.</summary>
    public int? CacheSlots { get; set; }
    /// <summary>
    /// Who may reuse whose cached prompt prefixes: <c>tenant</c> (each tenant only its own) or <c>global</c> (every
    /// tenant every other's, as a single-user server would); in both, <c>cache_salt</c> narrows reuse further.
    /// </summary>
    public string PrefixCacheScope { get; set; } = TenantPrefixCacheScope;
    public string? ChatTemplate { get; set; }

    /// <summary>
    /// Gets or sets default extra chat-template variables as JSON object text (<c>{"enable_thinking":false}</c>); a request's
    /// <c>chat_template_kwargs</c> override them key by key. Not applied to llama.cpp's built-in formats, which read none.
    /// </summary>
    public string? ChatTemplateKwargs { get; set; }

    public List<ModelOption> Models { get; set; } = [];

    /// <summary>Where uploaded files, fine-tuning jobs and adapters are kept; null means $XDG_DATA_HOME/llm or ~/.local/share/llm.</summary>
    public string? DataDirectory { get; set; }
    public long MaxUploadBytes { get; set; } = 64 * 1024 * 1024;
    public int MaxConcurrentJobs { get; set; } = 1;
    /// <summary>The most trainable parameters of one fine-tuning adapter; larger jobs get 400 at creation. 0 means no limit.</summary>
    public long MaxAdapterParameters { get; set; } = 50_000_000;
    /// <summary>The most estimated peak memory of one fine-tuning job, in MiB; larger jobs get 400 at creation. 0 means no limit.</summary>
    public long MaxJobMemoryMb { get; set; } = 2048;
    /// <summary>Dataset files parsed at once (uploads, job validation, jobs starting).</summary>
    public int MaxConcurrentValidations { get; set; } = 2;
    /// <summary>Events kept per fine-tuning job (the first ones and the latest); 0 keeps all.</summary>
    public int MaxJobEvents { get; set; } = 1000;

    /// <summary>Gets the API keys clients must send as <c>Authorization: Bearer</c>; with none (and no keys file) the server is open.</summary>
    public List<string> ApiKeys { get; set; } = [];
    /// <summary>Gets the admin keys (<c>--admin-key</c>): each its own tenant, seeing and managing every tenant's data.</summary>
    public List<string> AdminKeys { get; set; } = [];
    /// <summary>A file of API keys, one a line, each optionally followed by <c>tenant=NAME</c> and <c>admin</c>; blank lines and lines starting with # are skipped.</summary>
    public string? ApiKeysFile { get; set; }
    /// <summary>Most bytes of uploaded files one tenant may store; 0 means no limit. Admin tenants have no quotas.</summary>
    public long TenantMaxStoredBytes { get; set; } = 1L << 30;
    /// <summary>Most uploaded files one tenant may store; 0 means no limit.</summary>
    public int TenantMaxFiles { get; set; } = 100;
    /// <summary>Most fine-tuning jobs one tenant may have unfinished (validating, queued or running); 0 means no limit.</summary>
    public int TenantMaxActiveJobs { get; set; } = 4;
    /// <summary>Paths answered without a key; null means just <c>/health</c>.</summary>
    public List<string>? PublicPaths { get; set; }
    /// <summary>Wrong API keys one client address may present per minute before its keyed requests get 429 for a while; 0 turns the limit off.</summary>
    public int WrongKeysPerMinute { get; set; } = 30;
    /// <summary>Requests per minute per key (per client address when open); 0 turns the limit off.</summary>
    public int RequestsPerMinute { get; set; }
    /// <summary>Tokens per minute per key, counted as requested max_tokens plus the estimated prompt; 0 turns the limit off.</summary>
    public int TokensPerMinute { get; set; }
    /// <summary>The most prompt tokens one request may send; 0 means only the context size limits it.</summary>
    public int MaxPromptTokens { get; set; }
    /// <summary>The largest max_tokens / max_completion_tokens a request may ask for; 0 means no cap.</summary>
    public int MaxTokens { get; set; }
    /// <summary>The most chat messages one request may send; 0 means no cap.</summary>
    public int MaxMessages { get; set; } = 4096;
    /// <summary>The largest n (choices per request).</summary>
    public int MaxN { get; set; } = 16;
    /// <summary>The most streams one key may have open at once; 0 means no cap.</summary>
    public int MaxStreamsPerKey { get; set; }
    /// <summary>A stream that writes nothing for this long is ended; 0 never ends one.</summary>
    public int IdleStreamTimeoutSeconds { get; set; } = 300;
    /// <summary>Origins allowed by CORS (<c>*</c> for any); empty turns CORS off.</summary>
    public List<string> CorsOrigins { get; set; } = [];
    /// <summary><c>start</c> loads every model before /health turns 200; <c>first-use</c> loads each on its first request.</summary>
    public string LoadMode { get; set; } = "start";
    /// <summary>Seconds an idle model stays loaded; 0 keeps models loaded.</summary>
    public int KeepAliveSeconds { get; set; }
    /// <summary>The most models loaded at once; 0 means no limit.</summary>
    public int MaxLoadedModels { get; set; }
    /// <summary>Memory the loaded models may take together (weights plus KV cache, estimated), in MiB; 0 means no limit.</summary>
    public long MemoryBudgetMib { get; set; }
    /// <summary>Whether <see cref="GpuLayers"/> is planned from the GGUF and the GPU's free memory (<c>--gpu-layers auto</c>).</summary>
    public bool GpuLayersAuto { get; set; }
    /// <summary>Seconds running streams may take to finish after SIGTERM before they are ended with an error event.</summary>
    public int DrainTimeoutSeconds { get; set; } = 30;
    /// <summary>Whether request bodies (prompts) are logged; off by default because they are the users' data.</summary>
    public bool LogContent { get; set; }
    /// <summary><c>text</c> (one line per entry, with scopes) or <c>json</c> (structured, for log collectors).</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>Returns <see cref="ChatTemplateKwargs"/> parsed (checked by <see cref="Validate"/> at start-up), or null when unset.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? DefaultTemplateVariables()
    {
        if (ChatTemplateKwargs is null) return null;
        var text = ChatTemplateKwargs;
        // One reference, so a reader on another thread sees a whole pair or none.
        var cached = _templateVariables;
        if (cached is not null && ReferenceEquals(cached.Item1, text)) return cached.Item2;
        var parsed = TemplateKwargsOption.Parse(text);
        _templateVariables = Tuple.Create(text, parsed);
        return parsed;
    }

    private Tuple<string, IReadOnlyDictionary<string, System.Text.Json.JsonElement>?>? _templateVariables;

    /// <summary>Returns the first problem with the settings, or null when they are usable.</summary>
    public string? Validate()
    {
        if (Port is < 0 or > 65535) return $"--port must be between 0 and 65535 (got {Port}).";
        // Kestrel quietly listens on every interface for a host name it cannot parse as an address.
        if (Host is not ("localhost" or "*" or "+") && !System.Net.IPAddress.TryParse(Host, out _))
            return $"--host must be an IP address, 'localhost', or '*' for every interface (got '{Host}').";
        if (MaxRequestBodyBytes < 1024) return $"Llm:MaxRequestBodyBytes must be at least 1024 (got {MaxRequestBodyBytes}).";
        if (MaxRequestBodyDrainBytes < 0) return $"Llm:MaxRequestBodyDrainBytes must be 0 (no draining) or more (got {MaxRequestBodyDrainBytes}).";
        if (ContextSize is < 0 or > 1 << 20) return $"--ctx-size must be between 0 (the model's own) and 1048576 (got {ContextSize}).";
        if (Threads is < 0 or > 1024) return $"--threads must be between 0 (physical cores) and 1024 (got {Threads}).";
        if (BatchSize is < 1 or > 1 << 16) return $"--batch-size must be between 1 and 65536 (got {BatchSize}).";
        if (Parallel is < 1 or > 256) return $"--parallel must be between 1 and 256 (got {Parallel}).";
        if (MaxUploadBytes < 1024) return $"Llm:MaxUploadBytes must be at least 1024 (got {MaxUploadBytes}).";
        if (MaxConcurrentJobs is < 1 or > 64) return $"--max-concurrent-jobs must be between 1 and 64 (got {MaxConcurrentJobs}).";
        if (MaxAdapterParameters < 0 || MaxJobMemoryMb is < 0 or > 1L << 30) return "--max-adapter-parameters and --max-job-memory-mb must be 0 (off) or more.";
        if (MaxConcurrentValidations is < 1 or > 64) return $"--max-concurrent-validations must be between 1 and 64 (got {MaxConcurrentValidations}).";
        if (MaxJobEvents is < 0 || MaxJobEvents is > 0 and < Llm.Api.FineTuning.JobEvents.MinimumCap)
            return $"--max-job-events must be 0 (keep all) or at least {Llm.Api.FineTuning.JobEvents.MinimumCap} (got {MaxJobEvents}).";
        if (MaxQueue is < 0 or > 1 << 20) return $"--max-queue must be between 0 and 1048576 (got {MaxQueue}).";
        if (CacheSlots is < 0 || Parallel + (CacheSlots ?? Parallel) > 256)
            return $"--cache-slots must be at least 0, and --parallel plus --cache-slots at most 256 (got {Parallel} + {CacheSlots ?? Parallel}).";
        if (PrefixCacheScope is not (TenantPrefixCacheScope or GlobalPrefixCacheScope))
            return $"--prefix-cache-scope must be 'tenant' or 'global' (got '{PrefixCacheScope}').";
        if (LoadMode is not ("start" or "first-use")) return $"--load-mode must be 'start' or 'first-use' (got '{LoadMode}').";
        if (LogFormat is not ("text" or "json")) return $"--log-format must be 'text' or 'json' (got '{LogFormat}').";
        if (RequestsPerMinute < 0 || WrongKeysPerMinute < 0 || TokensPerMinute < 0 || MaxPromptTokens < 0 || MaxMessages < 0 || MaxTokens < 0 || MaxStreamsPerKey < 0 || IdleStreamTimeoutSeconds < 0
            || KeepAliveSeconds < 0 || MaxLoadedModels < 0 || MemoryBudgetMib < 0 || DrainTimeoutSeconds < 0
            || TenantMaxStoredBytes < 0 || TenantMaxFiles < 0 || TenantMaxActiveJobs < 0)
            return "Limits, timeouts and budgets must be 0 (off) or more.";
        try
        {
            TemplateKwargsOption.Parse(ChatTemplateKwargs);
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
        if (MaxN < 1) return $"--max-n must be at least 1 (got {MaxN}).";
        if (ApiKeys.Any(string.IsNullOrWhiteSpace)) return "--api-key must not be empty.";
        if (AdminKeys.Any(string.IsNullOrWhiteSpace)) return "--admin-key must not be empty.";
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
