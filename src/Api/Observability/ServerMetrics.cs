using System.Globalization;
using System.Text;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;
using Prometheus;

namespace Llm.Api.Observability;

/// <summary>
/// The server's Prometheus metrics in one registry per server (tests run several in one process). HTTP requests
/// by route and status come from prometheus-net's middleware; engine counters are copied from each loaded
/// model's <see cref="EngineMetrics"/> when scraped. The two latency histograms are written from the engine's own
/// buckets, because prometheus-net histograms can only observe values, and re-observing bucket counts would
/// falsify their sums.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ServerMetrics
{
    private readonly ModelRegistry _models;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (ModelHost Host, EngineMetrics Last)> _seen = new(StringComparer.Ordinal);
    private readonly Counter _promptTokens;
    private readonly Counter _generatedTokens;
    private readonly Counter _rejected;
    private readonly Counter _rateLimited;
    private readonly Counter _idleStreams;
    private readonly Gauge _queueDepth;
    private readonly Gauge _active;
    private readonly Gauge _kvUsage;
    private readonly Gauge _prefixHitRatio;
    private readonly Gauge _loadSeconds;
    private readonly Gauge _loaded;

    /// <summary>Initializes a new instance of the <see cref="ServerMetrics"/> class with its own registry.</summary>
    public ServerMetrics(ModelRegistry models)
    {
        _models = models;
        Registry = Metrics.NewCustomRegistry();
        Factory = Metrics.WithCustomRegistry(Registry);
        var model = new CounterConfiguration { LabelNames = ["model"] };
        var gauge = new GaugeConfiguration { LabelNames = ["model"] };
        _promptTokens = Factory.CreateCounter("llm_prompt_tokens_total", "Prompt tokens of admitted requests (cached ones included).", model);
        _generatedTokens = Factory.CreateCounter("llm_generated_tokens_total", "Tokens generated.", model);
        _rejected = Factory.CreateCounter("llm_requests_rejected_total", "Requests refused because the model's wait queue was full (503).", model);
        _rateLimited = Factory.CreateCounter("llm_rate_limited_total", "Requests refused with 429, by limit type (requests or tokens).", new CounterConfiguration { LabelNames = ["type"] });
        _idleStreams = Factory.CreateCounter("llm_idle_streams_ended_total", "Streams ended because they wrote nothing for the idle timeout.");
        _queueDepth = Factory.CreateGauge("llm_queue_depth", "Requests waiting for a sequence slot or KV room.", gauge);
        _active = Factory.CreateGauge("llm_active_sequences", "Sequences being generated.", gauge);
        _kvUsage = Factory.CreateGauge("llm_kv_cache_usage_ratio", "KV cells holding tokens over all KV cells of the context (0..1).", gauge);
        _prefixHitRatio = Factory.CreateGauge("llm_prefix_cache_hit_ratio", "Requests that reused a cached prompt prefix over those that looked for one (0..1).", gauge);
        _loadSeconds = Factory.CreateGauge("llm_model_load_seconds", "How long the model's last load took.", gauge);
        _loaded = Factory.CreateGauge("llm_model_loaded", "1 when the model is loaded, else 0.", gauge);
        Registry.AddBeforeCollectCallback(Refresh);
    }

    /// <summary>Gets the registry the <c>/metrics</c> endpoint exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Gets the factory that creates metrics in <see cref="Registry"/>.</summary>
    public IMetricFactory Factory { get; }

    /// <summary>Counts a 429.</summary>
    public void RateLimited(string type) => _rateLimited.WithLabels(type).Inc();

    /// <summary>Counts a stream ended for idleness.</summary>
    public void IdleStreamEnded() => _idleStreams.Inc();

    /// <summary>Writes the whole exposition: the registry, then the engine latency histograms.</summary>
    public async Task WriteAsync(Stream output, CancellationToken cancellationToken)
    {
        await Registry.CollectAndExportAsTextAsync(output, cancellationToken);
        var text = new StringBuilder();
        var hosts = _models.Entries.Where(e => e.Host is not null).Select(e => (e.Settings.Name, Metrics: e.Host!.GetMetrics())).ToArray();
        AppendHistogram(text, "llm_time_to_first_token_seconds", "Time from submission to the first generated token.", hosts.Select(h => (h.Name, h.Metrics.TimeToFirstToken)));
        AppendHistogram(text, "llm_inter_token_latency_seconds", "Time between successive tokens of a sequence.", hosts.Select(h => (h.Name, h.Metrics.InterTokenLatency)));
        await output.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
    }

    // Copies engine counters into the registry: gauges as they are, totals as increments since the last scrape
    // (a reloaded model starts its engine counters at zero again, so a new host counts from its start).
    private void Refresh()
    {
        lock (_gate)
        {
            foreach (var entry in _models.Entries)
            {
                var name = entry.Settings.Name;
                _loaded.WithLabels(name).Set(entry.Host is null ? 0 : 1);
                if (entry.LoadSeconds is { } seconds) _loadSeconds.WithLabels(name).Set(seconds);
                if (entry.Host is not { } host)
                {
                    _queueDepth.WithLabels(name).Set(0);
                    _active.WithLabels(name).Set(0);
                    _kvUsage.WithLabels(name).Set(0);
                    continue;
                }
                var now = host.GetMetrics();
                var last = _seen.TryGetValue(name, out var seen) && ReferenceEquals(seen.Host, host) ? seen.Last : null;
                _promptTokens.WithLabels(name).Inc(now.PromptTokens - (last?.PromptTokens ?? 0));
                _generatedTokens.WithLabels(name).Inc(now.GeneratedTokens - (last?.GeneratedTokens ?? 0));
                _rejected.WithLabels(name).Inc(now.RequestsRejected - (last?.RequestsRejected ?? 0));
                _seen[name] = (host, now);
                _queueDepth.WithLabels(name).Set(now.WaitingSequences);
                _active.WithLabels(name).Set(now.ActiveSequences);
                _kvUsage.WithLabels(name).Set(now.KvCellsTotal == 0 ? 0 : (double)now.KvCellsUsed / now.KvCellsTotal);
                _prefixHitRatio.WithLabels(name).Set(now.PrefixCacheLookups == 0 ? 0 : (double)now.PrefixCacheHits / now.PrefixCacheLookups);
            }
        }
    }

    private static void AppendHistogram(StringBuilder text, string name, string help, IEnumerable<(string Model, LatencySnapshot Snapshot)> series)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" histogram\n");
        var bounds = LatencyHistogram.UpperBoundsSeconds;
        foreach (var (model, snapshot) in series)
        {
            var label = Escape(model);
            long cumulative = 0;
            for (var i = 0; i < snapshot.BucketCounts.Count; i++)
            {
                cumulative += snapshot.BucketCounts[i];
                var le = i < bounds.Count ? bounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{model=\"{label}\",le=\"{le}\"}} {cumulative}\n");
            }
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{model=\"{label}\"}} {snapshot.SumSeconds.ToString("R", CultureInfo.InvariantCulture)}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count{{model=\"{label}\"}} {snapshot.Count}\n");
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
