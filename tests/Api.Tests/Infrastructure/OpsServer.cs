using System.Net.Http.Headers;
using Llm.Api.Hosting;
using Llm.Runtime.Models.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Infrastructure;

/// <summary>A private in-process server with extra flags, for tests that need their own settings (keys, limits, lifecycle).</summary>
internal sealed class OpsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OpsServer(WebApplication app, string folder, Uri baseAddress)
    {
        _app = app;
        Folder = folder;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    public string Folder { get; }

    public IServiceProvider Services => _app.Services;

    public Uri BaseAddress => Http.BaseAddress!;

    /// <summary>Starts a server; unless <paramref name="args"/> names models, it serves the demo model as "demo".</summary>
    public static async Task<OpsServer> StartAsync(params string[] args) => await StartAsync(waitHealthy: true, args);

    public static async Task<OpsServer> StartAsync(bool waitHealthy, params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("llm-ops-tests-").FullName;
        var all = new List<string> { "--port", "0", "--cache-dir", folder, "--data-dir", Path.Combine(folder, "data") };
        if (!args.Contains("--ctx-size")) all.AddRange(["--ctx-size", "2048"]);
        if (!args.Contains("--model")) all.AddRange(["--model", "demo=" + DemoModel.EnsureBuilt(folder)]);
        all.AddRange(args.Select(a => a.Replace("{folder}", folder, StringComparison.Ordinal)));
        var app = LlmServer.Build([.. all]) ?? throw new InvalidOperationException("help requested");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var server = new OpsServer(app, folder, new Uri(address));
        if (waitHealthy) await server.WaitHealthyAsync();
        return server;
    }

    /// <summary>Copies the demo model under another name in the server's folder, for multi-model tests.</summary>
    public static string DemoCopy(string folder, string name)
    {
        var path = Path.Combine(folder, name + ".gguf");
        File.Copy(DemoModel.EnsureBuilt(folder), path, overwrite: true);
        return path;
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Waits for <c>/health</c> to answer 200 (every model loaded), 30 s unless told otherwise.</summary>
    public async Task WaitHealthyAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Http.GetAsync("/health");
            if (response.IsSuccessStatusCode) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"The server did not become healthy within {limit.TotalSeconds:F0} s.");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
