using Llm.Api.Errors;

namespace Llm.Api.Security;

/// <summary>
/// Answers 415 to a POST, PUT or PATCH on a JSON route whose body is not declared as JSON, before anything reads it.
/// </summary>
/// <remarks>
/// <c>text/plain</c>, <c>application/x-www-form-urlencoded</c> and <c>multipart/form-data</c> are what a web page
/// may send to any address without the browser asking first (a CORS "simple request"); parsing them as JSON would
/// let any page a user visits make a keyless local server create jobs, delete files or burn CPU. A request with no
/// Content-Type is accepted (curl and scripts often omit it) unless it carries an <c>Origin</c> header: browsers
/// add Origin to every cross-origin POST, and a page can send a body without a Content-Type (an untyped Blob), so a
/// browser request must declare JSON, which makes it a preflighted request that CORS governs.
/// Endpoints marked <see cref="NonJsonBodyAttribute"/> (the multipart upload) keep their Content-Type; there a request
/// with an <c>Origin</c> header is refused (403) unless the origin is this server's own or one <c>--cors-origin</c> allows.
/// </remarks>
internal sealed class JsonContentTypeCheck(RequestDelegate next, Hosting.ServerOptions options)
{
    /// <summary>The message of the 415 answer.</summary>
    public const string Message = "Send the body as JSON with Content-Type: application/json";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
            || context.GetEndpoint() is not { } endpoint)
            return next(context);
        if (endpoint.Metadata.GetMetadata<NonJsonBodyAttribute>() is not null)
        {
            // A multipart body is a "simple request" too: a browser may send it only from this server's own origin or one --cors-origin allows.
            if (request.Headers.Origin is { Count: > 0 } origin && !AllowedOrigin(origin.ToString(), request))
                throw new OpenAiException(StatusCodes.Status403Forbidden,
                    "Uploads from a web page of another origin are refused; allow the page's origin with --cors-origin.", "invalid_request_error", null, "cross_origin_refused");
            return next(context);
        }

        var contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            if (!request.Headers.ContainsKey("Origin")) return next(context);
            throw Unsupported("(none, from a browser)");
        }
        if (!JsonContentType.IsJson(contentType)) throw Unsupported(contentType);
        return next(context);
    }

    private bool AllowedOrigin(string origin, HttpRequest request)
    {
        if (options.CorsOrigins.Contains("*") || options.CorsOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase)) return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase);
    }

    private static OpenAiException Unsupported(string got)
    {
        // Never echo more than a short, printable prefix of a header the client chose.
        var shown = got.Length > 80 ? got[..80] + "…" : got;
        shown = new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return new OpenAiException(StatusCodes.Status415UnsupportedMediaType, $"{Message} (got Content-Type: {shown}).", "invalid_request_error", null, "unsupported_media_type");
    }
}
