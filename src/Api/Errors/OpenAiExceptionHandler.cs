using Microsoft.AspNetCore.Diagnostics;

namespace Llm.Api.Errors;

/// <summary>Answers every unhandled exception in the OpenAI error shape; only real server faults are 500s.</summary>
internal sealed partial class OpenAiExceptionHandler(ILogger<OpenAiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested) return true;
        // The middleware clears the endpoint before handlers run; its feature keeps the one that threw.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        var error = OpenAiErrors.Map(exception, endpoint?.Metadata.GetMetadata<ParameterNames>());
        // 503s (busy, loading, draining) are expected under load and counted in /metrics; a stack trace each would flood the log.
        if (error.StatusCode >= 500 && error.StatusCode != StatusCodes.Status503ServiceUnavailable) LogServerError(logger, httpContext.Request.Path, exception);
        if (httpContext.Response.HasStarted) return true;
        await OpenAiErrors.WriteAsync(httpContext, error);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request to {Path} failed")]
    private static partial void LogServerError(ILogger logger, PathString path, Exception exception);
}
