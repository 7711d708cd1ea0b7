using Llm.Api.Contracts;
using Llm.Api.Endpoints;
using Llm.Api.Errors;
using Llm.Api.FineTuning;
using Llm.Runtime.Models;

namespace Llm.Api.Hosting;

/// <summary>Builds and runs the server: configuration, Kestrel, model registry, endpoints.</summary>
public static class LlmServer
{
    /// <summary>Runs the server until it is stopped; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            var built = Build(args);
            if (built is null)
            {
                Console.WriteLine(CommandLine.Usage);
                return 0;
            }
            app = built;
        }
        catch (Exception ex) when (ex is ArgumentException or ModelLoadException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"llm: {ex.Message}");
            return ex is ArgumentException ? 2 : 1;
        }

        await using (app)
        {
            var gate = app.Services.GetRequiredService<StartupLogGate>();
            gate.Starting = true;
            try
            {
                await app.StartAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Kestrel failing to bind (address in use, a low port without permission, an address this machine
                // does not have) and a hosted service failing to start are start-up failures like a bad flag: one line.
                await Console.Error.WriteLineAsync($"llm: {StartupFailure.Describe(ex, app.Services.GetRequiredService<ServerOptions>())}");
                return 1;
            }
            finally
            {
                gate.Starting = false;
            }
            await app.WaitForShutdownAsync();
        }
        return Environment.ExitCode;
    }

    /// <summary>Builds the application without starting it; null when the arguments ask for help.</summary>
    /// <exception cref="ArgumentException">Bad command-line arguments or settings.</exception>
    /// <exception cref="ModelLoadException">A model file is missing or unreadable.</exception>
    public static WebApplication? Build(string[] args)
    {
        var flags = CommandLine.Parse(args);
        if (flags is null) return null;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(flags);
        var options = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        if (options.Validate() is { } problem) throw new ArgumentException(problem);
        var models = ModelCatalog.Resolve(options);

        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        // Kestrel's limit is the drain bound; RequestBodyLimit enforces MaxRequestBodyBytes and drains the rest of an oversized body.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxRequestBodyBytes, options.MaxRequestBodyDrainBytes));
        // A flush sends on the flushing thread instead of waking a thread-pool worker to send: with InlineUpdates
        // that thread is the engine's, and a streamed token reaches the socket without a thread hop. Application code
        // then also resumes on the threads that complete socket reads, which are thread-pool threads here (socket
        // completions themselves are not inlined), and nothing in this server blocks a request thread.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.Services.AddSingleton(options);
        var startupLog = new StartupLogGate();
        builder.Services.AddSingleton(startupLog);
        builder.Logging.AddFilter(StartupLogGate.HostCategory, level => level >= LogLevel.Information && !startupLog.Starting);
        builder.Services.AddSingleton(sp => new ModelRegistry(models, sp.GetRequiredService<ILoggerFactory>(), OperationsSetup.Lifecycle(options)));
        builder.Services.AddHostedService<ModelLoaderService>();
        builder.Services.AddFineTuning(options);
        builder.Services.AddExceptionHandler<OpenAiExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.AddOperations(options);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, OpenAiJsonContext.Default);
        });

        var app = builder.Build();
        app.UseMiddleware<Limits.RequestBodyLimit>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(UnmatchedRoutes.WriteAsync);
        app.UseOperations(options);
        app.MapHealth();
        app.MapApplyTemplate();
        app.MapTokenize();
        var v1 = app.MapGroup("/v1");
        v1.MapChatCompletions();
        v1.MapCompletions();
        v1.MapModels();
        v1.MapEmbeddings();
        v1.MapFiles();
        v1.MapFineTuning();
        v1.MapPredictions();
        app.MapOperations();
        return app;
    }
}
