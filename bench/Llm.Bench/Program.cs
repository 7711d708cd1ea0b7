using System.Globalization;
using System.Text.Json;
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
NativeBackend.EnsureConfigured(NullLoggerFactory.Instance);
var modelPath = options.Model ?? SyntheticModel.EnsureBuilt(options.CacheDirectory, options.VocabularySource, Log);
if (options.PrepareOnly) return 0;
var eos = EndOfSequence(modelPath);
Log($"model {modelPath}, {options.Threads} threads, load average {LoadAverage()}");

// (a) Raw in-process decode: best of two runs each, after a warm-up.
// It runs on a dedicated thread like the engine's: measured here, decoding on the process's main thread after
// the first run was many times slower (llama.cpp's OpenMP workers and the main thread do not mix well).
RawFigures raw = null!;
var rawThread = new Thread(() =>
{
    using var decoder = new RawDecode(modelPath, options.Threads, options.GpuLayers);
    decoder.Run(1, 16, 16);
    var one = Enumerable.Range(0, 2).Select(_ => decoder.Run(1, 16, options.Tokens)).MaxBy(r => r.EndToEndTokensPerSecond)!;
    var eight = Enumerable.Range(0, 2).Select(_ => decoder.Run(8, 16, options.Tokens)).MaxBy(r => r.EndToEndTokensPerSecond)!;
    var separate = decoder.Run(8, 16, options.Tokens, separatePrefill: true);
    var divergence = Enumerable.Range(0, options.Tokens).FirstOrDefault(i => one.FirstSequenceTokens[i] != eight.FirstSequenceTokens[i], -1);
    raw = new RawFigures(one.DecodeTokensPerSecond, eight.DecodeTokensPerSecond, one.EndToEndTokensPerSecond, eight.EndToEndTokensPerSecond,
        divergence < 0, one.FirstSequenceTokens.SequenceEqual(separate.FirstSequenceTokens), divergence);
}) { Name = "raw-decode" };
rawThread.Start();
rawThread.Join();
Log($"raw: 1 sequence {raw.OneSequenceEndToEnd:F1} tok/s, 8 sequences {raw.EightSequencesEndToEnd:F1} tok/s (decode only {raw.OneSequence:F1} / {raw.EightSequences:F1}); greedy equal alone/batched: {raw.GreedyTokensEqualAloneAndBatched} (first difference at {raw.FirstDivergence}), with prompts decoded apart: {raw.GreedyTokensEqualWithSeparatePrefill}");

var report = new BenchReport
{
    Model = Path.GetFileName(modelPath), ModelBytes = new FileInfo(modelPath).Length, Threads = options.Threads, TokensPerRequest = options.Tokens,
    Machine = $"{Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}", LoadAverageBefore = LoadAverage(), Raw = raw,
};

// (b)-(d) The server, in this process, on a loopback port.
var app = LlmServer.Build(["--model", "bench=" + modelPath, "--host", "127.0.0.1", "--port", "0", "--parallel", "16", "--max-queue", "256",
    "--ctx-size", "16384", "--threads", options.Threads.ToString(CultureInfo.InvariantCulture), "--gpu-layers", options.GpuLayers.ToString(CultureInfo.InvariantCulture)])!;
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
while (!(await http.GetAsync("/health")).IsSuccessStatusCode) await Task.Delay(100);
var load = new HttpLoad(http, "bench", eos);
await load.SendAsync(Prompts.Random(16, 1), 16);

foreach (var clients in new[] { 1, 4, 8, 16 })
{
    var rounds = new List<Round>();
    for (var round = 0; round < 2; round++)
        rounds.Add(await load.RunAsync(clients, 1, (c, _) => Prompts.Random(16, clients * 1000 + round * 100 + c), options.Tokens));
    var requests = rounds.SelectMany(r => r.Requests).Where(r => r.Ok).ToList();
    var figures = new HttpFigures(clients, rounds.Sum(r => r.Requests.Count), rounds.Sum(r => r.Failed), rounds.Max(r => r.TokensPerSecond),
        Stats.Percentile(requests.Select(r => r.Ttft).ToList(), 50), Stats.Percentile(requests.Select(r => r.Ttft).ToList(), 95),
        Stats.Percentile(requests.SelectMany(r => r.Itl).ToList(), 50), Stats.Percentile(requests.SelectMany(r => r.Itl).ToList(), 95));
    report.Http.Add(figures);
    Log($"http: {clients,2} clients {figures.TokensPerSecond:F1} tok/s, TTFT p50 {figures.TtftP50 * 1000:F0} ms p95 {figures.TtftP95 * 1000:F0} ms, ITL p50 {figures.ItlP50 * 1000:F1} ms p95 {figures.ItlP95 * 1000:F1} ms, failed {figures.Failed}");
}

report.Prefix = await PrefixBench.RunAsync(load, options.PrefixTokens, Log);
report.Soak = await SoakBench.RunAsync(load, options.SoakRequests, Log);
report.LoadAverageAfter = LoadAverage();
await app.StopAsync();
await app.DisposeAsync();

Directory.CreateDirectory(options.Output);
var jsonPath = Path.Combine(options.Output, "bench.json");
await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
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
