using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Llm.Api.Errors;
using Llm.Api.Hosting;
using Llm.Api.Observability;
using Llm.Runtime.Errors;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.Features;

namespace Llm.Api.Limits;

/// <summary>
/// Checks a generation request before its endpoint runs: caps on max_tokens and n (400 naming the field), the
/// per-key token rate (429), the per-key open-stream cap (429), and loads the requested model when it is not in
/// memory, awaiting it here so the endpoint finds it ready. Streams are watched for idleness.
/// </summary>
/// <remarks>The body is read once into memory (it is already capped by Kestrel's body size limit) and rewound for the endpoint.</remarks>
internal sealed partial class RequestGate(RequestDelegate next, ServerOptions options, ModelRegistry models, ServerMetrics metrics, ILogger<RequestGate> logger)
    : IDisposable
{
    private static readonly HashSet<string> s_generation = new(StringComparer.OrdinalIgnoreCase) { "/v1/chat/completions", "/v1/completions" };
    private static readonly HashSet<string> s_chat = new(StringComparer.OrdinalIgnoreCase) { "/v1/chat/completions", "/apply-template" };
    private static readonly HashSet<string> s_modelPaths = new(StringComparer.OrdinalIgnoreCase)
    {
        "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/tokenize", "/detokenize", "/apply-template",
    };

    private readonly PartitionedRateLimiter<string>? _tokens = RateLimits.Tokens(options);
    private readonly ConcurrentDictionary<string, int> _streams = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value?.TrimEnd('/') ?? string.Empty;
        if (!HttpMethods.IsPost(context.Request.Method) || !s_modelPaths.Contains(path))
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        context.Request.Body.Position = 0;
        var fields = RequestFields.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (options.LogContent) LogContent(logger, path, System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)Math.Min(buffer.Length, 16 * 1024)));
        if (fields is null)
        {
            await next(context);
            return;
        }

        var generation = s_generation.Contains(path);
        if (generation) CheckCaps(fields);
        // Before the messages are bound, rendered or counted against a rate: a flood of them is refused for the price of a scan.
        if (options.MaxMessages > 0 && fields.Messages > options.MaxMessages && s_chat.Contains(path))
            throw OpenAiException.OutOfRange("messages", $"this server allows at most {options.MaxMessages} messages per request (got {fields.Messages})");
        var client = ClientIdentity.Of(context);
        if (generation && _tokens is not null)
        {
            var estimate = (int)Math.Clamp((fields.MaxTokens ?? 256) * Math.Max(1, fields.N ?? 1) + buffer.Length / 4, 1, options.TokensPerMinute);
            using var lease = _tokens.AttemptAcquire(client, estimate);
            if (!lease.IsAcquired)
            {
                var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromSeconds(1);
                await RateLimits.Write(context, "tokens", wait);
                return;
            }
        }

        if (fields.Model is { Length: > 0 } model && models.TryGetEntry(model, out var entry) && entry.State is ModelState.Unloaded or ModelState.Loading)
            await models.AcquireAsync(model, context.RequestAborted);

        if (!generation || !fields.Stream)
        {
            await next(context);
            return;
        }
        if (!EnterStream(client))
        {
            await RateLimits.Write(context, "requests", TimeSpan.FromSeconds(1), $"Too many open streams for this key (at most {options.MaxStreamsPerKey}).");
            return;
        }
        try
        {
            await WatchedAsync(context);
        }
        finally
        {
            _streams.AddOrUpdate(client, 0, (_, open) => open - 1);
        }
    }

    public void Dispose() => _tokens?.Dispose();

    private void CheckCaps(RequestFields fields)
    {
        if (options.MaxTokens > 0 && fields.MaxTokens > options.MaxTokens)
            throw OpenAiException.OutOfRange(fields.MaxTokensParam, $"this server allows at most {options.MaxTokens} (got {fields.MaxTokens})");
        if (fields.N > options.MaxN) throw OpenAiException.OutOfRange("n", $"this server allows at most {options.MaxN} (got {fields.N})");
        // A request whose sequences outnumber every slot and every queue place could never be admitted: a 503 would
        // make clients (the OpenAI SDKs retry 503) retry it forever, so it is the client's mistake, busy or idle.
        var prompts = Math.Max(1, fields.Prompts ?? 1);
        var sequences = Math.Max(1, fields.N ?? 1) * prompts;
        var capacity = (long)options.Parallel + options.MaxQueue;
        if (sequences > capacity)
        {
            var what = prompts > 1 ? $"{prompts} prompts × n={Math.Max(1, fields.N ?? 1)} asks for {sequences} sequences" : $"n={sequences} asks for {sequences} sequences";
            throw OpenAiException.InvalidRequest(
                $"{what}, but this server runs at most {options.Parallel} at once and queues {options.MaxQueue} (--parallel + --max-queue = {capacity}); send fewer {(prompts > 1 ? "prompts or a smaller n" : "choices")} per request.",
                prompts > 1 ? "prompt" : "n", "too_many_sequences");
        }
    }

    private bool EnterStream(string client)
    {
        var open = _streams.AddOrUpdate(client, 1, (_, count) => count + 1);
        if (options.MaxStreamsPerKey <= 0 || open <= options.MaxStreamsPerKey) return true;
        _streams.AddOrUpdate(client, 0, (_, count) => count - 1);
        return false;
    }

    // Runs the endpoint with its body watched; a stream idle past the timeout is aborted, which cancels its sequence.
    private async Task WatchedAsync(HttpContext context)
    {
        if (options.IdleStreamTimeoutSeconds <= 0)
        {
            await next(context);
            return;
        }
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var watch = new IdleStreamWatch(original.Stream);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(watch, original));
        var timeout = TimeSpan.FromSeconds(options.IdleStreamTimeoutSeconds);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var watchdog = WatchAsync(context, watch, timeout, done.Token);
        try
        {
            await next(context);
        }
        finally
        {
            await done.CancelAsync();
            await watchdog;
            context.Features.Set(original);
        }
    }

    private async Task WatchAsync(HttpContext context, IdleStreamWatch watch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 4, 50, 1000));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(period, cancellationToken);
                if (watch.Idle < timeout) continue;
                LogIdleStream(logger, context.Request.Path, timeout.TotalSeconds);
                metrics.IdleStreamEnded();
                context.Abort();
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ended a stream to {Path} that wrote nothing for {Seconds} s")]
    private static partial void LogIdleStream(ILogger logger, PathString path, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request body for {Path} (logged because LogContent is on): {Body}")]
    private static partial void LogContent(ILogger logger, string path, string body);
}
