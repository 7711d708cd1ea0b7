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
var rawRuns = await ThroughputBench.RunAsync(load, raw, options, report, Log);
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
