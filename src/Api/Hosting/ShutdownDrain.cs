using Llm.Api.Errors;
using Llm.Runtime.Models;

namespace Llm.Api.Hosting;

/// <summary>
/// Graceful shutdown. On SIGTERM (the host's stopping signal) the server drains: <c>/health</c> and every new
/// request answer 503 with Retry-After (a load balancer moves traffic away), requests already running get up to
/// <see cref="ServerOptions.DrainTimeoutSeconds"/> to finish, then the models are unloaded, which ends any stream
/// still running with a final error event. Only then does Kestrel stop.
/// </summary>
/// <remarks>
/// The drain runs in <see cref="StoppingAsync"/>, which the host calls before it stops any hosted service, so Kestrel
/// still serves the running streams meanwhile (and answers new requests with 503). Fine-tuning jobs are stopped by their runner, which marks a
/// running job <c>failed</c> with code <c>interrupted</c> through the store's atomic writes.
/// </remarks>
internal sealed partial class ShutdownDrain(ServerOptions options, ModelRegistry models, IHostApplicationLifetime lifetime, ILogger<ShutdownDrain> logger)
    : IHostedLifecycleService
{
    private int _inFlight;
    private volatile bool _draining;

    /// <summary>Gets a value indicating whether the server is draining.</summary>
    public bool IsDraining => _draining;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => _draining = true);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Runs before any hosted service stops, Kestrel included (it would otherwise wait for the streams, then abort them).
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var timeout = TimeSpan.FromSeconds(options.DrainTimeoutSeconds);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        LogDraining(logger, Volatile.Read(ref _inFlight), timeout.TotalSeconds);
        while (Volatile.Read(ref _inFlight) > 0 && waited.Elapsed < timeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }
        var left = Volatile.Read(ref _inFlight);
        if (left > 0) LogEnding(logger, left);
        // Unloading ends the sequences still running: their streams get an error event, their requests a 503.
        models.Dispose();
    }

    /// <summary>The middleware: refuses new requests while draining and counts the running ones.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_draining)
        {
            context.Response.Headers.Connection = "close";
            await OpenAiErrors.WriteAsync(context, new OpenAiException(StatusCodes.Status503ServiceUnavailable,
                "The server is shutting down; retry on another replica.", "server_error", null, "server_shutting_down") { RetryAfter = TimeSpan.FromSeconds(1) });
            return;
        }
        Interlocked.Increment(ref _inFlight);
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: {Requests} requests running, waiting up to {Seconds} s")]
    private static partial void LogDraining(ILogger logger, int requests, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain timeout: ending {Requests} requests still running")]
    private static partial void LogEnding(ILogger logger, int requests);
}
