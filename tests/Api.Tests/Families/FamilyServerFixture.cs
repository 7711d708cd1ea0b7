using System.Net.Http.Json;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Tests.Families;

namespace Llm.Api.Tests.Families;

/// <summary>One server with the Llama 3.1, Qwen3 and Gemma 3 random-weight models, named by family.</summary>
public sealed class FamilyServerFixture : IAsyncLifetime
{
    private OpsServer? _server;

    public HttpClient Http => _server!.Http;

    public async Task InitializeAsync()
    {
        var models = new[] { FamilyModels.Llama31, FamilyModels.Qwen3, FamilyModels.Gemma3 };
        _server = await OpsServer.StartAsync([.. models.SelectMany(m => new[] { "--model", $"{m.Name}={m.Path}" }), "--parallel", "2"]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>The id of a text that the model's vocabulary holds as one token (special tokens parsed).</summary>
    public async Task<int> SingleTokenAsync(string model, string text)
    {
        using var response = await Http.PostAsJsonAsync("/tokenize", new { model, content = text, add_special = false, parse_special = true });
        response.EnsureSuccessStatusCode();
        var tokens = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tokens");
        Assert.True(tokens.GetArrayLength() == 1, $"'{text}' is {tokens.GetArrayLength()} tokens in {model}");
        return tokens[0].GetInt32();
    }
}
