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
          --model PATH | NAME=PATH  serve a GGUF file (repeatable); without it the built-in demo model is served
          --host HOST               address to listen on (default 127.0.0.1)
          --port PORT               port to listen on (default 8080; 0 picks a free one)
          --ctx-size N              context size in tokens shared by all sequences (default 4096; 0 = the model's)
          --gpu-layers N            layers to offload to the GPU (default 0; -1 = all)
          --threads N               CPU threads (default: physical cores)
          --batch-size N            most tokens decoded per step (default 512)
          --parallel N              most sequences generated together (default 4)
          --max-queue N             most requests waiting beyond the running ones; more get 503 (default 64)
          --cache-slots N           prompt prefixes kept for reuse after their requests end (default: --parallel; 0 = no prefix cache)
          --chat-template FILE|TEXT|NAME override the chat template (a Jinja file or text, or a llama.cpp built-in name such as chatml)
          --cache-dir DIR           where the demo model is built (default ~/.cache/llm)
          --data-dir DIR            where uploaded files, fine-tuning jobs and adapters are kept (default ~/.local/share/llm)
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
        ["--chat-template"] = "ChatTemplate",
        ["--cache-dir"] = "CacheDirectory",
        ["--data-dir"] = "DataDirectory",
    };

    private static readonly HashSet<string> s_integers = ["--port", "--ctx-size", "--gpu-layers", "--threads", "--batch-size", "--parallel", "--max-queue", "--cache-slots"];

    /// <summary>Parses the arguments into configuration keys under <see cref="ServerOptions.Section"/>.</summary>
    /// <returns>The keys, or null when help was asked for.</returns>
    /// <exception cref="ArgumentException">An unknown flag, a missing value or a malformed number.</exception>
    public static Dictionary<string, string?>? Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var models = 0;
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
            if (flag != "--model" && !s_flags.ContainsKey(flag)) throw new ArgumentException($"Unknown option '{args[i]}'. Run with --help for the options.");
            if (value is null)
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"Option '{flag}' needs a value.");
                value = args[++i];
            }
            if (s_integers.Contains(flag) && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
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
