using Llm.Api.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace Llm.Api.Limits;

/// <summary>
/// Caps request bodies at <see cref="ServerOptions.MaxRequestBodyBytes"/> (413), and reads the rest of an oversized
/// body before answering, up to <see cref="ServerOptions.MaxRequestBodyDrainBytes"/> and <see cref="DrainTime"/>, so
/// that a client that writes its whole body before reading (Python's <c>http.client</c>, many scripts) reads the 413
/// instead of a broken pipe: closing a socket with unread data resets the connection, and the client never sees the answer.
/// </summary>
/// <remarks>
/// Kestrel's own limit is set to the drain bound; the cap is enforced here by a counting stream, so Kestrel's
/// reader stays usable for draining after the cap has been hit. An endpoint may still raise its own cap through
/// <see cref="IHttpMaxRequestBodySizeFeature"/> (uploads do), which this middleware replaces with one of its own.
/// </remarks>
internal sealed class RequestBodyLimit(RequestDelegate next, ServerOptions options)
{
    /// <summary>The longest a drain may take; a client trickling its body slower is cut off.</summary>
    public static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(15);

    public async Task InvokeAsync(HttpContext context)
    {
        var kestrel = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (kestrel is null || kestrel.IsReadOnly)
        {
            await next(context);
            return;
        }
        var inner = context.Request.Body;
        var limited = new LimitedBodyStream(inner, options.MaxRequestBodyBytes);
        var feature = new Feature(kestrel, limited, options.MaxRequestBodyDrainBytes);
        feature.MaxRequestBodySize = options.MaxRequestBodyBytes;
        context.Features.Set<IHttpMaxRequestBodySizeFeature>(feature);
        context.Request.Body = limited;
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            if (http.Response.StatusCode == StatusCodes.Status413PayloadTooLarge) http.Response.Headers.Connection = "close";
            return Task.CompletedTask;
        }, context);
        await next(context);
        if (limited.Exceeded && !context.RequestAborted.IsCancellationRequested) await DrainAsync(context, inner);
    }

    // Reads and discards what the client still sends; Kestrel's limit (the drain bound) ends it with an exception.
    private static async Task DrainAsync(HttpContext context, Stream body)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(DrainTime);
        var scratch = new byte[64 * 1024];
        try
        {
            while (await body.ReadAsync(scratch, timeout.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is BadHttpRequestException or OperationCanceledException or IOException)
        {
            // Over the drain bound, too slow, or gone: the connection closes without the rest.
        }
    }

    private sealed class Feature(IHttpMaxRequestBodySizeFeature kestrel, LimitedBodyStream stream, long drainBytes) : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly => kestrel.IsReadOnly || stream.Started;

        public long? MaxRequestBodySize
        {
            get => stream.Limit;
            set
            {
                stream.Limit = value;
                kestrel.MaxRequestBodySize = value is { } limit ? Math.Max(limit, drainBytes) : null;
            }
        }
    }
}
