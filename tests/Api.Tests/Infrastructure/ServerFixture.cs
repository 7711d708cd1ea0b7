using Llm.Api.Hosting;
using Llm.Runtime.Models.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Infrastructure;

/// <summary>
/// The real server (Kestrel on an ephemeral loopback port) serving the demo model as "demo" and, when
/// ../shared is present, the tiny Llama 2 as "tiny". Shared by the end-to-end tests.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "llm-api-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Gets the OpenAI-style base address, <c>http://127.0.0.1:port/v1</c>.</summary>
    public Uri V1 => new(BaseAddress, "/v1");

    public async Task InitializeAsync()
    {
        var args = new List<string> { "--port", "0", "--ctx-size", "2048", "--parallel", "8", "--cache-dir", _cache, "--data-dir", Path.Combine(_cache, "data"), "--model", "demo=" + DemoModel.EnsureBuilt(_cache) };
        if (TestModels.HasTinyLlama) args.AddRange(["--model", "tiny=" + TestModels.TinyLlama]);
        _app = LlmServer.Build([.. args]) ?? throw new InvalidOperationException("help requested");
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        await WaitHealthyAsync();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_cache, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Http.GetAsync("/health");
            if (response.IsSuccessStatusCode) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("The server did not become healthy within 60 s.");
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
