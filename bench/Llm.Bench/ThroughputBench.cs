using System.Globalization;

namespace Llm.Bench;

/// <summary>
/// Aggregate tokens/s, latency and CPU outside llama.cpp for each number of concurrent streaming clients. Every
/// 1- and 8-client round comes right after a raw run of as many sequences, and every 8-client round is followed by a
/// 1-client round: the machine's speed drifts, so only ratios of neighbouring measurements are compared.
/// </summary>
internal static class ThroughputBench
{
    /// <summary>Fills <see cref="BenchReport.Http"/> and <see cref="BenchReport.EightOverOne"/>; returns the raw runs made, by sequence count (1 and 8).</summary>
    public static async Task<Dictionary<int, List<RawResult>>> RunAsync(HttpLoad load, RawDecodeWorker raw, BenchOptions options, BenchReport report, Action<string> log)
    {
        await WarmUpAsync(load);
        var rawRuns = new Dictionary<int, List<RawResult>> { [1] = [], [8] = [] };
        foreach (var clients in options.Clients) report.Http.Add(await MeasureAsync(load, raw, options, clients, rawRuns.GetValueOrDefault(clients), report, log));
        foreach (var (sequences, runs) in rawRuns)
        {
            if (runs.Count == 0) runs.Add(await raw.RunAsync(sequences, options.Tokens));
        }
        return rawRuns;
    }

    // The JIT's second tier compiles a method after it has run 30 times, in the background, on the same cores as
    // llama.cpp. The measuring code is warmed too: the JIT's log showed it was most of what still compiled during
    // the measured rounds (40 ms a round) when only the requests were warmed.
    private static async Task WarmUpAsync(HttpLoad load)
    {
        for (var i = 0; i < 60; i++)
        {
            var warmUp = await load.RunAsync(i % 2 == 0 ? 1 : 4, 1, (c, _) => Prompts.Random(16, 500 + i * 10 + c), 8);
            _ = warmUp.TokensPerSecond + ThreadCpu.OtherThreadsSeconds();
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private static async Task<HttpFigures> MeasureAsync(HttpLoad load, RawDecodeWorker raw, BenchOptions options, int clients, List<RawResult>? runs,
        BenchReport report, Action<string> log)
    {
        var rounds = new List<Round>();
        var ratios = new List<double>();
        var versusOne = new List<double>();
        var otherCpu = 0.0;
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
        if (versusOne.Count > 0)
        {
            report.EightOverOne = Stats.Median(versusOne);
            log($"http:  8 clients over 1 client right after: {report.EightOverOne:F2}x, median of {versusOne.Count} pairs: {Join(versusOne, "F2")}");
        }
        var versus = double.IsNaN(figures.VsRaw) ? "" : $" ({figures.VsRaw:P0} of raw {figures.RawTokensPerSecond:F1}, median of {ratios.Count} pairs: {Join(ratios, "P0")})";
        log($"http: {clients,2} clients {figures.TokensPerSecond:F1} tok/s{versus}, TTFT p50 {figures.TtftP50 * 1000:F0} ms p95 {figures.TtftP95 * 1000:F0} ms, "
            + $"ITL p50 {figures.ItlP50 * 1000:F1} ms p95 {figures.ItlP95 * 1000:F1} ms, CPU outside llama.cpp {figures.OtherCpuMicrosecondsPerToken:F0} µs/token "
            + $"(JIT {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds:F0} ms), failed {figures.Failed}");
        return figures;
    }

    private static string Join(IEnumerable<double> values, string format) => string.Join(' ', values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
}
