using Microsoft.AspNetCore.Diagnostics;

namespace Llm.Api.Errors;

/// <summary>Gives bodiless error statuses (unknown routes, wrong methods) an OpenAI error body.</summary>
internal static class UnmatchedRoutes
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var route = $"{http.Request.Method} {http.Request.Path}";
        var error = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => new OpenAiException(404, $"Invalid URL ({route}).", "invalid_request_error", null, "unknown_url"),
            StatusCodes.Status405MethodNotAllowed => new OpenAiException(405, $"Method not allowed ({route}).", "invalid_request_error", null, "method_not_allowed"),
            StatusCodes.Status415UnsupportedMediaType => new OpenAiException(415, "Unsupported content type; send application/json.", "invalid_request_error", null, "unsupported_media_type"),
            var status => new OpenAiException(status, $"The request failed with status {status}.", status >= 500 ? "server_error" : "invalid_request_error", null, null),
        };
        return OpenAiErrors.WriteAsync(http, error);
    }
}
