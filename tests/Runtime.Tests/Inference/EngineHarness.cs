using System.Text;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;
using Llm.Runtime.Tests.Gguf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Tests.Inference;

/// <summary>Builds the demo model once per test class and loads hosts with the scheduling settings a test needs.</summary>
public sealed class EngineHarness : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "llm-engine-tests-" + Guid.NewGuid().ToString("N"));

    public static readonly SamplingParams Greedy = new() { Temperature = 0 };

    public string DemoPath => DemoModel.EnsureBuilt(_folder);

    public ModelHost Demo(int parallel = 4, int maxQueue = 64, int? cacheSlots = null, int contextSize = 1024, int batchSize = 512)
        => ModelHost.Load(new ModelSettings { Name = "demo", Path = DemoPath, ContextSize = contextSize, Parallel = parallel, MaxQueue = maxQueue, CacheSlots = cacheSlots, BatchSize = batchSize, Threads = 2 }, NullLoggerFactory.Instance);

    public static ModelHost Tiny(int parallel = 8, int? cacheSlots = null, int contextSize = 2048, int batchSize = 512)
    {
        Assert.True(File.Exists(SharedModels.TinyLlama), $"Missing test model {SharedModels.TinyLlama}: clone the repository next to the project's shared/ folder.");
        return ModelHost.Load(new ModelSettings { Name = "tiny", Path = SharedModels.TinyLlama, ContextSize = contextSize, Parallel = parallel, CacheSlots = cacheSlots, BatchSize = batchSize, Threads = 2 }, NullLoggerFactory.Instance);
    }

    public static async Task<Result> GenerateAsync(ModelHost host, IReadOnlyList<int> prompt, int? maxTokens, SamplingParams? sampling = null, CancellationToken cancellationToken = default,
        string partition = "")
    {
        var stream = host.Submit(new GenerationRequest { PromptTokens = prompt, MaxTokens = maxTokens, Sampling = sampling ?? Greedy, CachePartition = partition }, cancellationToken);
        var text = new StringBuilder();
        GenerationUpdate last = default;
        await foreach (var update in stream.ReadAllAsync(CancellationToken.None))
        {
            text.Append(update.Text);
            last = update;
        }
        return new Result(text.ToString(), last, stream.CachedTokens);
    }

    /// <summary>Waits until the engine's counters satisfy a condition (they update between steps).</summary>
    public static async Task<EngineMetrics> WaitForAsync(ModelHost host, Func<EngineMetrics, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var metrics = host.GetMetrics();
            if (condition(metrics)) return metrics;
            if (DateTime.UtcNow > deadline) return metrics;
            await Task.Delay(10);
        }
    }

    /// <summary>A deterministic prompt of random-looking ordinary tokens, starting with BOS.</summary>
    public static int[] RandomPrompt(int length, int seed, int first = 100, int last = 30000)
    {
        var random = new Random(seed);
        var tokens = new int[length];
        tokens[0] = 1;
        for (var i = 1; i < length; i++) tokens[i] = random.Next(first, last);
        return tokens;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public readonly record struct Result(string Text, GenerationUpdate Last, int CachedTokens);
}
