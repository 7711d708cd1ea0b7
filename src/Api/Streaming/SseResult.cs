using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Llm.Api.Streaming;

/// <summary>
/// Writes events as <c>text/event-stream</c> (the WHATWG server-sent events format), flushing after each so every
/// token reaches the client as it is generated. Every protocol's stream goes through this one writer.
/// </summary>
/// <param name="events">The events; the response ends when they do. Cancelled with the request.</param>
public sealed class SseResult(IAsyncEnumerable<SseEvent> events) : IResult
{
    private static readonly byte[] s_event = "event: "u8.ToArray();
    private static readonly byte[] s_data = "data: "u8.ToArray();

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.ContentEncoding = "identity";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var cancellationToken = httpContext.RequestAborted;
        await response.Body.FlushAsync(cancellationToken);
        await foreach (var item in events.WithCancellation(cancellationToken))
        {
            await WriteAsync(response.Body, item, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }

    private static async ValueTask WriteAsync(Stream body, SseEvent item, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream(item.Data.Length + 32);
        if (item.Event is { } type)
        {
            buffer.Write(s_event);
            buffer.Write(Encoding.UTF8.GetBytes(type));
            buffer.WriteByte((byte)'\n');
        }
        buffer.Write(s_data);
        buffer.Write(Encoding.UTF8.GetBytes(item.Data));
        buffer.Write("\n\n"u8);
        await body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
    }
}
