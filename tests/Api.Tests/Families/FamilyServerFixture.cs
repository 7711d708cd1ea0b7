using System.Net.Http.Json;
using System.Text.Json;
using Llm.Api.Hosting;
using Llm.Tests.Families;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Families;

/// <summary>
/// One real server (Kestrel on an ephemeral loopback port) serving every family test model under its
/// <see cref="FamilyModel.Name"/>, given as repeated <c>--model NAME=PATH</c>.
/// </summary>
public sealed class FamilyServerFixture : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "llm-family-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public HttpClient Http { get; private set; } = null!;

    internal IReadOnlyList<FamilyModel> Models { get; private set; } = [];

    internal FamilyModel Model(string name) => Models.Single(m => m.Name == name);

    /// <summary>The id of a text that the model's vocabulary holds as one token (special tokens parsed).</summary>
    public async Task<int> SingleTokenAsync(string model, string text)
    {
        using var response = await Http.PostAsJsonAsync("/tokenize", new { model, content = text, add_special = false, parse_special = true });
        response.EnsureSuccessStatusCode();
        var tokens = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tokens");
        Assert.True(tokens.GetArrayLength() == 1, $"'{text}' is {tokens.GetArrayLength()} tokens in {model}");
        return tokens[0].GetInt32();
    }

    public async Task InitializeAsync()
    {
        Models = [.. FamilyModels.Names.Select(FamilyModels.Get)];
        var args = new List<string> { "--port", "0", "--ctx-size", "1024", "--parallel", "2", "--threads", "2", "--cache-dir", _cache, "--data-dir", Path.Combine(_cache, "data") };
        foreach (var model in Models) args.AddRange(["--model", $"{model.Name}={model.Path}"]);
        _app = LlmServer.Build([.. args]) ?? throw new InvalidOperationException("help requested");
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(120) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            using var response = await Http.GetAsync("/health");
            if (response.IsSuccessStatusCode) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The family server did not become healthy within 120 s.");
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
public sealed class FamilyServerCollection : ICollectionFixture<FamilyServerFixture>
{
    public const string Name = "family-server";
}
