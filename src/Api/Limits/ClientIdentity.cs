using Llm.Api.Security;

namespace Llm.Api.Limits;

/// <summary>Who a request counts against for limits: its API key, or its address when the server is open.</summary>
internal static class ClientIdentity
{
    public static string Of(HttpContext context)
        => context.Items.TryGetValue(ApiKeyMiddleware.KeyIdItem, out var id) && id is string key
            ? key
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
