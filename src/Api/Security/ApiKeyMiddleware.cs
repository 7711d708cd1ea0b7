using Llm.Api.Errors;
using Llm.Api.Limits;
using Llm.Api.Tenancy;
using Microsoft.Net.Http.Headers;

namespace Llm.Api.Security;

/// <summary>
/// Requires <c>Authorization: Bearer KEY</c> on every path but the public ones, answering 401
/// <c>invalid_api_key</c> in the OpenAI shape, and sets the caller's <see cref="Tenant"/> from the key. On public
/// paths a valid key still names its tenant; without one the caller is <see cref="Tenant.Anonymous"/>. With no keys
/// configured it lets everything through, as <see cref="Tenant.Default"/>.
/// </summary>
internal sealed partial class ApiKeyMiddleware(RequestDelegate next, ApiKeyStore keys, KeyGuessLimiter guesses, ILogger<ApiKeyMiddleware> logger)
{
    /// <summary>The <see cref="HttpContext.Items"/> key holding the caller's key id.</summary>
    public const string KeyIdItem = "llm.key-id";

    public Task InvokeAsync(HttpContext context)
    {
        if (!keys.Enabled) return next(context);
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (header.Length > 0 && guesses.IsBlocked(address))
        {
            LogRejected(logger, context.Request.Path, "too many wrong keys from this address");
            return RateLimits.Write(context, "api_keys", TimeSpan.FromSeconds(2),
                "Too many requests with a wrong API key came from this address; wait before sending a key again.");
        }
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && keys.TryMatch(header.AsSpan(scheme.Length).Trim(), out var keyId, out var tenant))
        {
            context.Items[KeyIdItem] = keyId;
            context.SetTenant(tenant);
            return next(context);
        }
        if (keys.IsPublic(context.Request.Path) || HttpMethods.IsOptions(context.Request.Method))
        {
            // Without a key a public path is still no way into a tenant's data (the default tenant is an admin).
            context.SetTenant(Tenant.Anonymous);
            return next(context);
        }
        if (header.Length > 0) guesses.RecordWrongKey(address);
        LogRejected(logger, context.Request.Path, header.Length == 0 ? "no Authorization header" : "wrong key");
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        var message = header.Length == 0
            ? "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'."
            : "Incorrect API key provided.";
        return OpenAiErrors.WriteAsync(context, new OpenAiException(StatusCodes.Status401Unauthorized, message, "invalid_request_error", null, "invalid_api_key"));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Path}: {Reason}")]
    private static partial void LogRejected(ILogger logger, PathString path, string reason);
}
