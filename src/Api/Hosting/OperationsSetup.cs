using Llm.Api.Limits;
using Llm.Api.Observability;
using Llm.Api.OpenApi;
using Llm.Api.Security;
using Llm.Runtime.Models;
using Prometheus;
using Scalar.AspNetCore;

namespace Llm.Api.Hosting;

/// <summary>
/// Registers and orders the operational layers: request ids and logs, draining, CORS, API keys, HTTP metrics,
/// rate limits, request checks, and the <c>/metrics</c>, <c>/openapi/v1.json</c> and <c>/docs</c> endpoints.
/// </summary>
internal static class OperationsSetup
{
    /// <summary>Gets the model lifecycle the options ask for.</summary>
    public static ModelLifecycle Lifecycle(ServerOptions options) => new()
    {
        KeepAlive = options.KeepAliveSeconds > 0 ? TimeSpan.FromSeconds(options.KeepAliveSeconds) : null,
        MaxLoaded = options.MaxLoadedModels,
        MemoryBudgetBytes = options.MemoryBudgetMib * 1024 * 1024,
        SweepInterval = TimeSpan.FromSeconds(Math.Clamp(options.KeepAliveSeconds / 4.0, 0.25, 5)),
    };

    /// <exception cref="ArgumentException">The keys file cannot be read.</exception>
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder, ServerOptions options)
    {
        var services = builder.Services;
        services.AddSingleton(new ApiKeyStore(options));
        services.AddSingleton(new KeyGuessLimiter(options));
        services.AddSingleton<ServerMetrics>();
        services.AddRequestRateLimits(options);
        if (options.CorsOrigins.Count > 0)
        {
            services.AddCors(cors => cors.AddDefaultPolicy(policy =>
            {
                if (options.CorsOrigins.Contains("*")) policy.AllowAnyOrigin();
                else policy.WithOrigins([.. options.CorsOrigins]);
                policy.AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("Retry-After", RequestLogging.Header);
            }));
        }
        services.AddOpenApi(openApi => openApi.AddOperationTransformer<OperationDescriptions>());
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(options.DrainTimeoutSeconds + 15));

        if (options.LogFormat == "json")
        {
            builder.Logging.AddJsonConsole(json => json.IncludeScopes = true);
            builder.Logging.AddConsole(console => console.FormatterName = "json");
        }
        else
        {
            builder.Logging.AddSimpleConsole(simple => simple.IncludeScopes = true);
        }
        return builder;
    }

    /// <summary>Adds the middleware, in order, after the exception handler.</summary>
    public static WebApplication UseOperations(this WebApplication app, ServerOptions options)
    {
        var drain = app.Services.GetRequiredService<ShutdownDrain>();
        app.UseMiddleware<RequestLogging>();
        app.UseHttpMetrics(metrics => metrics.SetMetricFactory(app.Services.GetRequiredService<ServerMetrics>().Factory));
        app.Use(drain.InvokeAsync);
        if (options.CorsOrigins.Count > 0) app.UseCors();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseMiddleware<JsonContentTypeCheck>();
        app.UseRateLimiter();
        app.UseMiddleware<RequestGate>();
        return app;
    }

    /// <summary>Maps <c>/metrics</c>, <c>/openapi/v1.json</c> and the Scalar reference at <c>/docs</c>.</summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapMetricsEndpoint();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("llm: OpenAI-compatible server"));
        return app;
    }
}
