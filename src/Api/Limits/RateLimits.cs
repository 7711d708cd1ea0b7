using System.Globalization;
using System.Threading.RateLimiting;
using Llm.Api.Errors;
using Llm.Api.Hosting;
using Llm.Api.Security;
using Microsoft.AspNetCore.RateLimiting;

namespace Llm.Api.Limits;

/// <summary>
/// Per-key request rate limiting with ASP.NET Core's rate limiter (a token bucket refilled every second, so a
/// client over its rate waits about a second, not a minute), and the per-key token limiter used by <see cref="RequestGate"/>.
/// </summary>
internal static class RateLimits
{
    /// <summary>
    /// Registers the request limiter. It covers every request that reached an endpoint (so every route, present
    /// and future, that does work), except public paths (<c>--public-path</c>, by default <c>/health</c>) and endpoints
    /// marked with <see cref="DisableRateLimitingAttribute"/> (health checks, which probes call on a schedule).
    /// Unmatched paths do no work and are not counted.
    /// </summary>
    public static IServiceCollection AddRequestRateLimits(this IServiceCollection services, ServerOptions options)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                options.RequestsPerMinute <= 0 || !IsLimited(context)
                    ? RateLimitPartition.GetNoLimiter("none")
                    : RateLimitPartition.GetTokenBucketLimiter(ClientIdentity.Of(context), _ => Bucket(options.RequestsPerMinute)));
            limiter.OnRejected = (context, cancellationToken) => WriteRejectedAsync(context, "requests");
        });
        return services;
    }

    /// <summary>Whether the request limiter counts this request: it matched an endpoint that is neither public nor exempt.</summary>
    public static bool IsLimited(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null) return false;
        return context.RequestServices.GetService<ApiKeyStore>()?.IsPublic(context.Request.Path) != true;
    }

    /// <summary>A per-key limiter of generated plus prompt tokens per minute; null when the limit is off.</summary>
    public static PartitionedRateLimiter<string>? Tokens(ServerOptions options)
        => options.TokensPerMinute <= 0 ? null
            : PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(options.TokensPerMinute)));

    /// <summary>Writes a 429 in the OpenAI shape with <c>Retry-After</c> from the lease, at least one second.</summary>
    public static ValueTask WriteRejectedAsync(OnRejectedContext context, string type)
    {
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromSeconds(1);
        return new ValueTask(Write(context.HttpContext, type, wait));
    }

    /// <summary>Writes a 429 <c>rate_limit_exceeded</c>.</summary>
    public static Task Write(HttpContext context, string type, TimeSpan wait, string? message = null)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.RequestServices.GetService<Observability.ServerMetrics>()?.RateLimited(type);
        return OpenAiErrors.WriteAsync(context, new OpenAiException(StatusCodes.Status429TooManyRequests,
            message ?? $"Rate limit reached for {type}. Please try again in {seconds.ToString(CultureInfo.InvariantCulture)}s.", type, null, "rate_limit_exceeded")
        {
            RetryAfter = TimeSpan.FromSeconds(seconds),
        });
    }

    // perMinute permits, refilled a sixtieth each second: bursts up to a minute's worth, then a steady rate.
    internal static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = Math.Max(1, perMinute / 60),
        ReplenishmentPeriod = TimeSpan.FromSeconds(perMinute >= 60 ? 1 : 60.0 / perMinute),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
