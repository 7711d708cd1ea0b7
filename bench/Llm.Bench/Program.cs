using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Llm.Api.Hosting;
using Llm.Bench;
using Llm.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

// llm-bench: raw decode vs the HTTP server, the prefix cache, and a soak, in one run. See README "Benchmarks".
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Warning");
NativeBackend.EnsureConfigured(NullLoggerFactory.Instance);
var modelPath = options.Model ?? SyntheticModel.EnsureBuilt(options.CacheDirectory, options.VocabularySource, Log);
if (options.PrepareOnly) return 0;
var eos = EndOfSequence(modelPath);
Log($"model {modelPath}, {options.Threads} threads, load average {LoadAverage()}");

// (a) Raw in-process decode, the baseline. Its throughput runs are interleaved with the HTTP rounds below;
// these first runs check batch invariance (greedy tokens alone vs in a batch of 8).
using var raw = new RawDecodeWorker(modelPath, options.Threads, options.GpuLayers);
await raw.RunAsync(1, 16);
var alone = await raw.RunAsync(1, options.Tokens);
var batched = await raw.RunAsync(8, options.Tokens);
var separate = await raw.RunAsync(8, options.Tokens, separatePrefill: true);
var divergence = Enumerable.Range(0, options.Tokens).FirstOrDefault(i => alone.FirstSequenceTokens[i] != batched.FirstSequenceTokens[i], -1);
Log($"raw: greedy equal alone/batched: {divergence < 0} (first difference at {divergence}), with prompts decoded apart: {alone.FirstSequenceTokens.SequenceEqual(separate.FirstSequenceTokens)}");

var report = new BenchReport
{
    Model = Path.GetFileName(modelPath), ModelBytes = new FileInfo(modelPath).Length, Threads = options.Threads, TokensPerRequest = options.Tokens,
    Machine = $"{Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}", LoadAverageBefore = LoadAverage(),
};

// (b)-(d) The server, in this process, on a loopback port.
var app = LlmServer.Build(["--model", "bench=" + modelPath, "--host", "127.0.0.1", "--port", "0", "--parallel", "16", "--max-queue", "256",
    "--ctx-size", "16384", "--threads", options.Threads.ToString(CultureInfo.InvariantCulture), "--gpu-layers", options.GpuLayers.ToString(CultureInfo.InvariantCulture)])!;
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
while (!(await http.GetAsync("/health")).IsSuccessStatusCode) await Task.Delay(100);
var load = new HttpLoad(http, "bench", eos);
// Warm-up: the JIT's second tier compiles a method after it has run 30 times, in the background, on the same
// cores as llama.cpp. The measuring code is warmed too: the JIT's log showed it was most of what still compiled
// during the measured rounds (40 ms a round) when only the requests were warmed.
for (var i = 0; i < 60; i++)
{
    var warmUp = await load.RunAsync(i % 2 == 0 ? 1 : 4, 1, (c, _) => Prompts.Random(16, 500 + i * 10 + c), 8);
    _ = warmUp.TokensPerSecond + ThreadCpu.OtherThreadsSeconds();
}
await Task.Delay(TimeSpan.FromSeconds(1));

var rawRuns = new Dictionary<int, List<RawResult>> { [1] = [], [8] = [] };
foreach (var clients in options.Clients)
{
    var rounds = new List<Round>();
    var ratios = new List<double>();
    var otherCpu = 0.0;
    var versusOne = new List<double>();
    var runs = rawRuns.GetValueOrDefault(clients);
    // One unmeasured round first, for paths only this many clients take.
    await load.RunAsync(clients, 1, (c, _) => Prompts.Random(16, clients * 1000 + 900 + c), options.Tokens);
    var jit = System.Runtime.JitInfo.GetCompilationTime();
    for (var round = 0; round < options.Rounds; round++)
    {
        // Raw decode of as many sequences right before the round, for the clients counts the targets compare.
        var baseline = runs is null ? null : await raw.RunAsync(clients, options.Tokens);
        var cpu = ThreadCpu.OtherThreadsSeconds();
        var result = await load.RunAsync(clients, 1, (c, _) => Prompts.Random(16, clients * 1000 + round * 100 + c), options.Tokens);
        rounds.Add(result);
        otherCpu += ThreadCpu.OtherThreadsSeconds() - cpu;
        if (clients == 8)
        {
            // "8 streams >= 2x one stream" is paired too: one stream right after each 8-stream round.
            var one = await load.RunAsync(1, 1, (c, _) => Prompts.Random(16, 9000 + round * 100 + c), options.Tokens);
            versusOne.Add(result.TokensPerSecond / one.TokensPerSecond);
        }
        if (baseline is null) continue;
        runs!.Add(baseline);
        ratios.Add(result.TokensPerSecond / baseline.EndToEndTokensPerSecond);
    }
    var requests = rounds.SelectMany(r => r.Requests).Where(r => r.Ok).ToList();
    var figures = new HttpFigures(clients, rounds.Sum(r => r.Requests.Count), rounds.Sum(r => r.Failed), Stats.Median(rounds.Select(r => r.TokensPerSecond).ToList()),
        Stats.Median(runs?.Select(r => r.EndToEndTokensPerSecond).ToList() ?? []), Stats.Median(ratios),
        otherCpu * 1e6 / rounds.Sum(r => r.Requests.Sum(q => q.CompletionTokens)),
        Stats.Percentile(requests.Select(r => r.Ttft).ToList(), 50), Stats.Percentile(requests.Select(r => r.Ttft).ToList(), 95),
        Stats.Percentile(requests.SelectMany(r => r.Itl).ToList(), 50), Stats.Percentile(requests.SelectMany(r => r.Itl).ToList(), 95));
    report.Http.Add(figures);
    if (versusOne.Count > 0)
    {
        report.EightOverOne = Stats.Median(versusOne);
        Log($"http:  8 clients over 1 client right after: {report.EightOverOne:F2}x, median of {versusOne.Count} pairs: {string.Join(' ', versusOne.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}");
    }
    var versus = double.IsNaN(figures.VsRaw) ? "" : $" ({figures.VsRaw:P0} of raw {figures.RawTokensPerSecond:F1}, median of {ratios.Count} pairs: {string.Join(' ', ratios.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)))})";
    Log($"http: {clients,2} clients {figures.TokensPerSecond:F1} tok/s{versus}, TTFT p50 {figures.TtftP50 * 1000:F0} ms p95 {figures.TtftP95 * 1000:F0} ms, ITL p50 {figures.ItlP50 * 1000:F1} ms p95 {figures.ItlP95 * 1000:F1} ms, CPU outside llama.cpp {figures.OtherCpuMicrosecondsPerToken:F0} µs/token (JIT {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds:F0} ms), failed {figures.Failed}");
}
foreach (var (sequences, runs) in rawRuns)
{
    if (runs.Count == 0) runs.Add(await raw.RunAsync(sequences, options.Tokens));
}
report.Raw = new RawFigures(Stats.Median(rawRuns[1].Select(r => r.DecodeTokensPerSecond).ToList()), Stats.Median(rawRuns[8].Select(r => r.DecodeTokensPerSecond).ToList()),
    Stats.Median(rawRuns[1].Select(r => r.EndToEndTokensPerSecond).ToList()), Stats.Median(rawRuns[8].Select(r => r.EndToEndTokensPerSecond).ToList()),
    divergence < 0, alone.FirstSequenceTokens.SequenceEqual(separate.FirstSequenceTokens), divergence);
Log($"raw: 1 sequence {report.Raw.OneSequenceEndToEnd:F1} tok/s, 8 sequences {report.Raw.EightSequencesEndToEnd:F1} tok/s (decode only {report.Raw.OneSequence:F1} / {report.Raw.EightSequences:F1}), medians of {rawRuns[1].Count} and {rawRuns[8].Count} runs");

if (options.PrefixTokens > 0) report.Prefix = await PrefixBench.RunAsync(load, options.PrefixTokens, Log);
if (options.SoakRequests > 0) report.Soak = await SoakBench.RunAsync(load, options.SoakRequests, Log);
report.LoadAverageAfter = LoadAverage();
await app.StopAsync();
await app.DisposeAsync();

Directory.CreateDirectory(options.Output);
var jsonPath = Path.Combine(options.Output, "bench.json");
await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }));
var markdown = Report.Markdown(report);
await File.WriteAllTextAsync(Path.Combine(options.Output, "bench.md"), markdown);
Report.Chart(report, Path.Combine(options.Output, "throughput.png"));
Console.WriteLine();
Console.WriteLine(markdown);
Log($"wrote {jsonPath}, bench.md and throughput.png in {options.Output}");
return 0;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static int EndOfSequence(string path)
{
    var file = Llm.Runtime.Gguf.GgufReader.ReadFile(path);
    return (int)(file.GetInteger("tokenizer.ggml.eos_token_id") ?? -1);
}
