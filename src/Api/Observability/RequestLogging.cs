using System.Diagnostics;

namespace Llm.Api.Observability;

/// <summary>
/// Gives every request an id (the client's <c>X-Request-Id</c> when it is short and plain, else the server's),
/// echoes it in the response, opens a log scope with it so every line logged for the request carries it, and
/// logs one line when the request ends: method, path, status, time, caller. Never bodies.
/// </summary>
internal sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public const string Header = "X-Request-Id";

    // A message-template scope: the text console prints "RequestId:abc" (a bare array of pairs printed its type
    // name), and the JSON console still gets RequestId as a property.
    private static readonly Func<ILogger, string, IDisposable?> s_scope = LoggerMessage.DefineScope<string>("RequestId:{RequestId}");

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[Header].ToString();
        if (incoming.Length is > 0 and <= 128 && incoming.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')) context.TraceIdentifier = incoming;
        context.Response.Headers[Header] = context.TraceIdentifier;
        var started = Stopwatch.GetTimestamp();
        using var scope = s_scope(logger, context.TraceIdentifier);
        int? failed = null;
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            // The exception handler, outside this middleware, writes the response; log the status it will write.
            failed = ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested ? 499 : Errors.OpenAiErrors.Map(ex).StatusCode;
            throw;
        }
        finally
        {
            var caller = context.Items.TryGetValue(Security.ApiKeyMiddleware.KeyIdItem, out var key) ? key as string : null;
            LogRequest(logger, context.Request.Method, context.Request.Path, failed ?? context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, caller ?? "-", context.RequestAborted.IsCancellationRequested);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} -> {Status} in {Milliseconds:F1} ms (caller {Caller}, aborted {Aborted})")]
    private static partial void LogRequest(ILogger logger, string method, PathString path, int status, double milliseconds, string caller, bool aborted);
}
