namespace Llm.Api.Observability;

/// <summary><c>GET /metrics</c>: Prometheus text exposition format 0.0.4.</summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/metrics", WriteAsync).ExcludeFromDescription();
        return routes;
    }

    private static async Task WriteAsync(HttpContext http, ServerMetrics metrics, CancellationToken cancellationToken)
    {
        http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await metrics.WriteAsync(http.Response.Body, cancellationToken);
    }
}
