using System.Globalization;
using System.Text;
using ScottPlot;

namespace Llm.Bench;

/// <summary>Renders a run as the README's Markdown table and a throughput chart.</summary>
internal static class Report
{
    public static string Markdown(BenchReport r)
    {
        var text = new StringBuilder();
        string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);
        string Ms(double seconds) => F(seconds * 1000, "F0");
        string Pct(double value) => F(value * 100, "F0") + "%";

        text.AppendLine($"Model `{r.Model}` ({F(r.ModelBytes / 1048576.0, "F0")} MiB), {r.Threads} threads, {r.TokensPerRequest} tokens per request, {r.Machine}; load average {r.LoadAverageBefore} before, {r.LoadAverageAfter} after.");
        text.AppendLine();
        text.AppendLine("| path | clients | tok/s | vs raw | TTFT p50 / p95 (ms) | ITL p50 / p95 (ms) | CPU outside llama.cpp (µs/token) | failed |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        text.AppendLine($"| raw decode (in process) | 1 | {F(r.Raw.OneSequenceEndToEnd)} | | | | | |");
        text.AppendLine($"| raw decode (in process) | 8 | {F(r.Raw.EightSequencesEndToEnd)} | | | | | |");
        foreach (var h in r.Http)
        {
            text.AppendLine($"| HTTP streaming | {h.Clients} | {F(h.TokensPerSecond)} | {(double.IsNaN(h.VsRaw) ? "" : $"{Pct(h.VsRaw)} ({Pct(h.TokensPerSecond / h.RawTokensPerSecond)})")} | {Ms(h.TtftP50)} / {Ms(h.TtftP95)} | {F(h.ItlP50 * 1000)} / {F(h.ItlP95 * 1000)} | {F(h.OtherCpuMicrosecondsPerToken, "F0")} | {h.Failed} |");
        }
        text.AppendLine();
        text.AppendLine($"Tokens/s are medians over the rounds; \"vs raw\" is the median over rounds of each round's rate over a raw run of as many sequences made just before it (in brackets: the HTTP median over the raw median). "
            + $"CPU outside llama.cpp counts every other thread of the process: the server, the benchmark's own HTTP clients and the JIT. \"8 streams >= 2x 1 stream\" is the median over 8-client rounds of the round's rate over a 1-client round made right after it; raw 8 sequences give {F(r.Raw.EightSequencesEndToEnd / r.Raw.OneSequenceEndToEnd, "F2")}x raw 1 sequence here, its ceiling.");
        text.AppendLine();
        text.AppendLine($"Raw decode-only rates (after the first token): {F(r.Raw.OneSequence)} tok/s (1), {F(r.Raw.EightSequences)} tok/s (8); greedy tokens identical alone and in a batch of 8: {(r.Raw.GreedyTokensEqualAloneAndBatched ? "yes" : $"no, from token {r.Raw.FirstDivergence}")}; with the prompts decoded one per batch and only generation batched: {(r.Raw.GreedyTokensEqualWithSeparatePrefill ? "yes" : "no")}.");
        if (r.Prefix is { } p)
        {
            text.AppendLine();
            text.AppendLine($"| prefix cache ({p.PrefixTokens}-token shared prefix) | TTFT (ms) | vs cold |");
            text.AppendLine("|---|---:|---:|");
            text.AppendLine($"| cold, 1 request | {Ms(p.ColdTtft)} | |");
            text.AppendLine($"| warm, 1 request ({p.WarmCachedTokens} cached tokens) | {Ms(p.WarmTtft)} | {Pct(p.WarmTtft / p.ColdTtft)} |");
            text.AppendLine($"| cold, 4 concurrent (p50 / max) | {Ms(p.ColdConcurrentTtftP50)} / {Ms(p.ColdConcurrentTtftMax)} | {Pct(p.ColdConcurrentTtftP50 / p.ColdTtft)} |");
            text.AppendLine($"| warm, 4 concurrent (p50 / max, >= {p.WarmConcurrentMinCachedTokens} cached) | {Ms(p.WarmConcurrentTtftP50)} / {Ms(p.WarmConcurrentTtftMax)} | {Pct(p.WarmConcurrentTtftMax / p.ColdTtft)} (max) |");
        }
        if (r.Soak is { } s)
        {
            text.AppendLine();
            text.AppendLine($"Soak: {s.Requests} streamed requests from {s.Clients} clients, {s.Failed} failed; resident memory {F(s.RssAfter100 / 1048576.0, "F0")} MiB after 100, {F(s.RssAfterAll / 1048576.0, "F0")} MiB after {s.Requests} ({F(s.GrowthPercent, "+0.0;-0.0;0.0")}%).");
        }
        text.AppendLine();
        var targets = Targets(r).Select(t => $"{t.Name}: {(t.Met ? "met" : "NOT met")} ({t.Detail})").ToList();
        if (targets.Count > 0) text.AppendLine("Targets: " + string.Join("; ", targets) + ".");
        return text.ToString();
    }

    public static IEnumerable<(string Name, bool Met, string Detail)> Targets(BenchReport r)
    {
        string Pct(double v) => (v * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";
        var one = r.Http.SingleOrDefault(h => h.Clients == 1);
        var eight = r.Http.SingleOrDefault(h => h.Clients == 8);
        if (one is not null) yield return ("1 stream >= 90% of raw 1", one.VsRaw >= 0.9, Pct(one.VsRaw));
        if (eight is not null) yield return ("8 streams >= 90% of raw 8", eight.VsRaw >= 0.9, Pct(eight.VsRaw));
        if (!double.IsNaN(r.EightOverOne))
            yield return ("8 streams >= 2x 1 stream", r.EightOverOne >= 2, r.EightOverOne.ToString("F2", CultureInfo.InvariantCulture) + "x, median of pairs");
        if (r.Prefix is { } p)
        {
            yield return ("warm TTFT <= 10% of cold", p.WarmTtft <= 0.1 * p.ColdTtft, Pct(p.WarmTtft / p.ColdTtft));
            yield return ("4 concurrent warm TTFT <= 10% of cold", p.WarmConcurrentTtftMax <= 0.1 * p.ColdTtft, Pct(p.WarmConcurrentTtftMax / p.ColdTtft) + " at the slowest");
        }
        if (r.Soak is { } s)
        {
            var failed = r.Http.Sum(h => h.Failed) + s.Failed + (r.Prefix?.Failed ?? 0);
            yield return ("no failed request", failed == 0, $"{failed} failed");
            yield return ("RSS growth within 5%", Math.Abs(s.GrowthPercent) <= 5, s.GrowthPercent.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%");
        }
    }

    public static void Chart(BenchReport r, string path)
    {
        var plot = new Plot();
        var clients = r.Http.Select(h => (double)h.Clients).ToArray();
        var http = plot.Add.Scatter(clients, r.Http.Select(h => h.TokensPerSecond).ToArray());
        http.LegendText = "HTTP streaming (aggregate)";
        http.LineWidth = 2;
        http.MarkerSize = 8;
        var raw1 = plot.Add.HorizontalLine(r.Raw.OneSequenceEndToEnd);
        raw1.LegendText = "raw decode, 1 sequence";
        raw1.LinePattern = LinePattern.Dashed;
        var raw8 = plot.Add.HorizontalLine(r.Raw.EightSequencesEndToEnd);
        raw8.LegendText = "raw decode, 8 sequences";
        raw8.LinePattern = LinePattern.Dotted;
        plot.Title($"Generated tokens/s vs concurrent clients ({r.Model}, {r.Threads} threads)");
        plot.XLabel("concurrent streaming clients");
        plot.YLabel("generated tokens per second");
        plot.Axes.SetLimitsY(0, Math.Max(r.Http.Max(h => h.TokensPerSecond), r.Raw.EightSequencesEndToEnd) * 1.15);
        plot.Axes.SetLimitsX(0, 17);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 520);
    }
}
