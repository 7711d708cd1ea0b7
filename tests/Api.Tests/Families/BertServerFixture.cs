using Llm.Api.Hosting;
using Llm.Tests.Families;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Families;

/// <summary>The real server (Kestrel on an ephemeral loopback port) serving only the BERT embedding model as "bert".</summary>
public sealed class BertServerFixture : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "llm-bert-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Gets the OpenAI-style base address, <c>http://127.0.0.1:port/v1</c>.</summary>
    public Uri V1 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string[] args = ["--port", "0", "--ctx-size", "512", "--parallel", "1", "--cache-dir", _cache, "--data-dir", Path.Combine(_cache, "data"), "--model", BertModel.Name + "=" + BertModel.Path];
        _app = LlmServer.Build(args) ?? throw new InvalidOperationException("help requested");
        await _app.StartAsync();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        V1 = new Uri(address, "/v1");
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await Http.GetAsync("/health");
            if (response.IsSuccessStatusCode) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The server did not become healthy within 60 s.");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
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
}

[CollectionDefinition(Name)]
public sealed class BertServerCollection : ICollectionFixture<BertServerFixture>
{
    public const string Name = "bert-server";
}
