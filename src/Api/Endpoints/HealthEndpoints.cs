using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary><c>GET /health</c>: 200 once every model is loaded, 503 before (load balancers keep traffic away).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", Check).DisableRateLimiting();
        return routes;
    }

    private static Ok<HealthStatus> Check(ModelRegistry models)
    {
        if (models.IsReady) return TypedResults.Ok(new HealthStatus("ok"));
        var failed = models.Entries.FirstOrDefault(e => e.State == ModelState.Failed);
        var message = failed is null ? "Loading model." : $"Model '{failed.Settings.Name}' failed to load: {failed.Error}";
        throw new OpenAiException(StatusCodes.Status503ServiceUnavailable, message, "server_error", null, failed is null ? "loading" : "model_load_failed")
        {
            RetryAfter = TimeSpan.FromSeconds(1),
        };
    }
}
