using Llm.Runtime.Models;

namespace Llm.Api.Hosting;

/// <summary>
/// Loads the models once the server listens, so <c>/health</c> can answer 503 meanwhile. A model that fails
/// to load stops the server with exit code 1: a half-configured server is worse than none.
/// </summary>
internal sealed partial class ModelLoaderService(ModelRegistry registry, IHostApplicationLifetime lifetime, ILogger<ModelLoaderService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var errors = await Task.Factory.StartNew(() => registry.LoadAll(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (errors.Count == 0) return;
        foreach (var error in errors) LogLoadFailed(logger, error);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Model load failed: {Error}")]
    private static partial void LogLoadFailed(ILogger logger, string error);
}
