using System.Net.Http.Json;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Tests.Families;

namespace Llm.Api.Tests.Families;

/// <summary>
/// One real server (Kestrel on an ephemeral loopback port) serving every family test model under its
/// <see cref="FamilyModel.Name"/>, given as repeated <c>--model NAME=PATH</c>.
/// </summary>
public sealed class FamilyServerFixture : IAsyncLifetime
{
    private OpsServer? _server;

    public HttpClient Http => _server!.Http;

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
        var args = new List<string> { "--ctx-size", "1024", "--parallel", "2", "--threads", "2" };
        foreach (var model in Models) args.AddRange(["--model", $"{model.Name}={model.Path}"]);
        // Loading seven models with vocabularies of up to 262k tokens takes a while on a busy machine.
        _server = await OpsServer.StartAsync(waitHealthy: false, [.. args]);
        await _server.WaitHealthyAsync(TimeSpan.FromSeconds(120));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class FamilyServerCollection : ICollectionFixture<FamilyServerFixture>
{
    public const string Name = "family-server";
}
