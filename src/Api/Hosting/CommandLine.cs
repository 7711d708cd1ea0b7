using System.Globalization;

namespace Llm.Api.Hosting;

/// <summary>
/// Turns llama-server-style flags into configuration keys, so flags override appsettings.json and the
/// environment through the ordinary configuration system.
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: llm [options]
          --model PATH | NAME=PATH  serve a GGUF file (repeatable); without it the built-in demo model is served;
                                    the PATH 'demo' is the built-in demo model, served beside others
          --host HOST               address to listen on (default 127.0.0.1)
          --port PORT               port to listen on (default 8080; 0 picks a free one)
          --ctx-size N              context size in tokens shared by all sequences (default 4096; 0 = the model's)
          --gpu-layers N|auto       layers to offload to the GPU (default 0; -1 = all; auto = as many as fit in free GPU memory)
          --threads N               CPU threads (default: physical cores)
          --batch-size N            most tokens decoded per step (default 512)
          --parallel N              most sequences generated together (default 4)
          --max-queue N             most requests waiting beyond the running ones; more get 503 (default 64)
          --cache-slots N           prompt prefixes kept for reuse after their requests end (default: --parallel; 0 = no prefix cache)
          --prefix-cache-scope tenant|global  reuse cached prompts only within a tenant (default) or across tenants
          --chat-template FILE|TEXT|NAME override the chat template (a Jinja file or text, or a llama.cpp built-in name such as chatml)
          --chat-template-kwargs JSON  default extra chat-template variables, a JSON object such as '{"enable_thinking":false}'; requests' chat_template_kwargs override them key by key
          --cache-dir DIR           where the demo model is built (default ~/.cache/llm)
          --data-dir DIR            where uploaded files, fine-tuning jobs and adapters are kept (default ~/.local/share/llm)
          --api-key KEY             require this key as 'Authorization: Bearer KEY' (repeatable; /health stays public)
          --admin-key KEY           like --api-key, but the key sees and manages every tenant's files, jobs and models (repeatable)
          --api-keys-file FILE      read keys from FILE, one a line: KEY [tenant=NAME] [admin]; a key without tenant= is its own tenant
          --tenant-max-bytes N      most bytes of uploaded files per tenant (default 1073741824; 0 = no limit; admins have none)
          --tenant-max-files N      most uploaded files per tenant (default 100; 0 = no limit)
          --tenant-max-active-jobs N  most unfinished fine-tuning jobs per tenant (default 4; 0 = no limit)
          --public-path PATH        answer PATH (and below) without a key (repeatable; replaces the default /health)
          --wrong-key-limit N       wrong API keys per minute per client address before its keyed requests get 429 (default 30; 0 = off)
          --rate-limit N            requests per minute per key (default 0 = off); over it: 429 with Retry-After
          --token-rate-limit N      tokens per minute per key (max_tokens plus the estimated prompt; default 0 = off)
          --max-prompt-tokens N     most prompt tokens per request (default 0 = the context size)
          --max-tokens N            largest max_tokens a request may ask for (default 0 = no cap)
          --max-n N                 largest n (default 16)
          --max-messages N          most chat messages per request (default 4096; 0 = no cap)
          --max-streams-per-key N   most open streams per key (default 0 = no cap)
          --idle-stream-timeout S   end a stream that writes nothing for S seconds (default 300; 0 = never)
          --cors-origin ORIGIN      allow this browser origin (repeatable; * for any; default: CORS off)
          --load-mode start|first-use  load models at start (default) or on their first request
          --keep-alive S            unload a model idle for S seconds (default 0 = keep loaded)
          --max-loaded N            most models loaded at once, least recently used unloaded first (default 0 = no limit)
          --memory-budget-mib N     memory the loaded models may take together, estimated from the GGUF (default 0 = no limit)
          --max-concurrent-jobs N   fine-tuning jobs trained at once (default 1)
          --max-adapter-parameters N  most trainable parameters of a fine-tuned adapter (default 50000000; 0 = no limit)
          --max-job-memory-mb N     most estimated peak memory of a fine-tuning job (default 2048; 0 = no limit)
          --max-concurrent-validations N  dataset files parsed at once: uploads, job validation, jobs starting (default 2)
          --max-job-events N        events kept per fine-tuning job, the first and the latest (default 1000; 0 = all)
          --drain-timeout S         on SIGTERM, seconds running streams get to finish (default 30)
          --log-content true|false  log request bodies, prompts included (default false)
          --log-format text|json    console log format (default text)
          -h, --help                show this help
        """;

    private static readonly Dictionary<string, string> s_flags = new(StringComparer.Ordinal)
    {
        ["--host"] = "Host",
        ["--port"] = "Port",
        ["--ctx-size"] = "ContextSize",
        ["--gpu-layers"] = "GpuLayers",
        ["--threads"] = "Threads",
        ["--batch-size"] = "BatchSize",
        ["--parallel"] = "Parallel",
        ["--max-queue"] = "MaxQueue",
        ["--cache-slots"] = "CacheSlots",
        ["--prefix-cache-scope"] = "PrefixCacheScope",
        ["--chat-template"] = "ChatTemplate",
        ["--chat-template-kwargs"] = "ChatTemplateKwargs",
        ["--cache-dir"] = "CacheDirectory",
        ["--data-dir"] = "DataDirectory",
        ["--api-keys-file"] = "ApiKeysFile",
        ["--tenant-max-bytes"] = "TenantMaxStoredBytes",
        ["--tenant-max-files"] = "TenantMaxFiles",
        ["--tenant-max-active-jobs"] = "TenantMaxActiveJobs",
        ["--rate-limit"] = "RequestsPerMinute",
        ["--wrong-key-limit"] = "WrongKeysPerMinute",
        ["--token-rate-limit"] = "TokensPerMinute",
        ["--max-prompt-tokens"] = "MaxPromptTokens",
        ["--max-tokens"] = "MaxTokens",
        ["--max-n"] = "MaxN",
        ["--max-messages"] = "MaxMessages",
        ["--max-streams-per-key"] = "MaxStreamsPerKey",
        ["--idle-stream-timeout"] = "IdleStreamTimeoutSeconds",
        ["--load-mode"] = "LoadMode",
        ["--keep-alive"] = "KeepAliveSeconds",
        ["--max-loaded"] = "MaxLoadedModels",
        ["--memory-budget-mib"] = "MemoryBudgetMib",
        ["--drain-timeout"] = "DrainTimeoutSeconds",
        ["--max-concurrent-jobs"] = "MaxConcurrentJobs",
        ["--max-adapter-parameters"] = "MaxAdapterParameters",
        ["--max-job-memory-mb"] = "MaxJobMemoryMb",
        ["--max-concurrent-validations"] = "MaxConcurrentValidations",
        ["--max-job-events"] = "MaxJobEvents",
        ["--log-content"] = "LogContent",
        ["--log-format"] = "LogFormat",
    };

    // Flags that may be given more than once; each becomes the next item of a list.
    private static readonly Dictionary<string, string> s_lists = new(StringComparer.Ordinal)
    {
        ["--api-key"] = "ApiKeys",
        ["--admin-key"] = "AdminKeys",
        ["--cors-origin"] = "CorsOrigins",
        ["--public-path"] = "PublicPaths",
    };

    private static readonly HashSet<string> s_integers = ["--port", "--ctx-size", "--gpu-layers", "--threads", "--batch-size", "--parallel", "--max-queue", "--cache-slots",
        "--rate-limit", "--wrong-key-limit", "--token-rate-limit", "--max-prompt-tokens", "--max-tokens", "--max-n", "--max-messages", "--max-streams-per-key", "--idle-stream-timeout",
        "--keep-alive", "--max-loaded", "--memory-budget-mib", "--drain-timeout", "--tenant-max-files", "--tenant-max-active-jobs",
        "--max-concurrent-jobs", "--max-adapter-parameters", "--max-job-memory-mb", "--max-concurrent-validations", "--max-job-events"];

    private static readonly HashSet<string> s_longs = ["--tenant-max-bytes"];

    /// <summary>Parses the arguments into configuration keys under <see cref="ServerOptions.Section"/>.</summary>
    /// <returns>The keys, or null when help was asked for.</returns>
    /// <exception cref="ArgumentException">An unknown flag, a missing value or a malformed number.</exception>
    public static Dictionary<string, string?>? Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var models = 0;
        var listCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help") return null;
            var inline = flag.IndexOf('=');
            string? value = null;
            if (flag.StartsWith("--", StringComparison.Ordinal) && inline > 0)
            {
                value = flag[(inline + 1)..];
                flag = flag[..inline];
            }
            if (flag != "--model" && !s_flags.ContainsKey(flag) && !s_lists.ContainsKey(flag)) throw new ArgumentException($"Unknown option '{args[i]}'. Run with --help for the options.");
            if (value is null)
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"Option '{flag}' needs a value.");
                value = args[++i];
            }
            if (flag == "--gpu-layers" && value == "auto")
            {
                values[$"{ServerOptions.Section}:GpuLayersAuto"] = "true";
                continue;
            }
            if (s_lists.TryGetValue(flag, out var list))
            {
                var index = listCounts.GetValueOrDefault(list);
                listCounts[list] = index + 1;
                values[$"{ServerOptions.Section}:{list}:{index}"] = value;
                continue;
            }
            if (s_integers.Contains(flag) && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                throw new ArgumentException($"Option '{flag}' needs an integer, not '{value}'.");
            if (s_longs.Contains(flag) && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                throw new ArgumentException($"Option '{flag}' needs an integer, not '{value}'.");

            if (flag == "--model")
            {
                var (name, path) = SplitModel(value);
                values[$"{ServerOptions.Section}:Models:{models}:Name"] = name;
                values[$"{ServerOptions.Section}:Models:{models}:Path"] = path;
                models++;
            }
            else
            {
                values[$"{ServerOptions.Section}:{s_flags[flag]}"] = value;
            }
        }
        return values;
    }

    // NAME=PATH names a model; a bare PATH is named after its file. A '=' inside a path is not a name.
    private static (string Name, string Path) SplitModel(string value)
    {
        var equals = value.IndexOf('=');
        if (equals > 0 && value.AsSpan(0, equals).IndexOfAny('/', '\\') < 0)
            return (value[..equals], value[(equals + 1)..]);
        return (ModelNames.FromPath(value), value);
    }
}
