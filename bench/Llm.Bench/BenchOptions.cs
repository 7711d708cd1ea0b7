using System.Globalization;

namespace Llm.Bench;

/// <summary>Command-line options of llm-bench.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Usage: llm-bench [options]
          --model PATH        benchmark this GGUF instead of building the synthetic 125M llama
          --out DIR           where bench.json, bench.md and throughput.png go (default bench/results)
          --threads N         CPU threads for llama.cpp (default: physical cores)
          --gpu-layers N      layers offloaded to the GPU (default 0; -1 = all)
          --tokens N          tokens generated per throughput request (default 128)
          --rounds N          rounds per client count, each next to its own raw baseline (default 7)
          --clients LIST      concurrent HTTP clients to measure, comma-separated (default 1,4,8,16)
          --prefix N          shared prefix length for the prefix-cache test (default 2000; 0 skips it)
          --soak N            requests in the memory soak (default 1000; 0 skips it)
          --cache-dir DIR     where the synthetic model is built (default ~/.cache/llm/bench)
          --prepare           only build the synthetic model, then exit
        """;

    public string? Model { get; init; }
    public bool PrepareOnly { get; init; }
    public string Output { get; init; } = Path.Combine("bench", "results");
    public int Threads { get; init; } = Llm.Runtime.Hosting.PhysicalCores.Count;
    public int GpuLayers { get; init; }
    public int Tokens { get; init; } = 128;
    public int Rounds { get; init; } = 7;
    public IReadOnlyList<int> Clients { get; init; } = [1, 4, 8, 16];
    public int PrefixTokens { get; init; } = 2000;
    public int SoakRequests { get; init; } = 1000;
    public string CacheDirectory { get; init; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "llm", "bench");

    /// <summary>Gets the Llama 2 vocabulary to copy: ../shared/models/llama-2-tiny-random.gguf above the working directory.</summary>
    public string? VocabularySource
    {
        get
        {
            for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "models", "llama-2-tiny-random.gguf");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }
    }

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "-h" or "--help") return null;
            if (args[i] == "--prepare")
            {
                options = options with { PrepareOnly = true };
                continue;
            }
            if (i + 1 >= args.Length) throw new ArgumentException($"Option '{args[i]}' needs a value.");
            var value = args[++i];
            options = args[i - 1] switch
            {
                "--model" => options with { Model = value },
                "--out" => options with { Output = value },
                "--threads" => options with { Threads = Int(value) },
                "--gpu-layers" => options with { GpuLayers = Int(value) },
                "--tokens" => options with { Tokens = Int(value) },
                "--rounds" => options with { Rounds = Int(value) },
                "--clients" => options with { Clients = value.Split(',').Select(Int).ToArray() },
                "--prefix" => options with { PrefixTokens = Int(value) },
                "--soak" => options with { SoakRequests = Int(value) },
                "--cache-dir" => options with { CacheDirectory = value },
                _ => throw new ArgumentException($"Unknown option '{args[i - 1]}'. Run with --help."),
            };
        }
        return options;
    }

    private static int Int(string value) => int.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
