using Llm.Runtime.Hosting;
using Llm.Runtime.Models;

namespace Llm.Api.Hosting;

/// <summary>
/// Names the llama.cpp backend in the log, then loads the models marked to load at start once the server listens,
/// so <c>/health</c> can answer 503 meanwhile. Such a model that fails to load stops the server with exit code 1:
/// a half-configured server is worse than none. Models loaded on first use report their failures on their own requests.
/// </summary>
internal sealed partial class ModelLoaderService(ModelRegistry registry, IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory, ILogger<ModelLoaderService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var errors = await Task.Factory.StartNew(() =>
        {
            ReportBackend();
            return registry.LoadAll(stoppingToken);
        }, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (errors.Count == 0) return;
        foreach (var error in errors) LogLoadFailed(logger, error);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    // One line naming the backend llama.cpp really uses, because LLamaSharp falls back to the CPU without a word.
    private void ReportBackend()
    {
        try
        {
            NativeBackend.EnsureConfigured(loggerFactory);
            LogBackend(logger, BackendDevices.Describe(BackendDevices.List()));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or LLama.Exceptions.RuntimeError)
        {
            LogBackend(logger, $"unknown: the native library did not load ({ex.Message})");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "llama.cpp backend: {Backend}")]
    private static partial void LogBackend(ILogger logger, string backend);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Model load failed: {Error}")]
    private static partial void LogLoadFailed(ILogger logger, string error);
}
