using System.ClientModel;
using Llm.Api.Hosting;
using Llm.Api.Security;
using Llm.Api.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Llm.Api.Tests.Operations;

/// <summary>API keys: Bearer, 401 invalid_api_key in the OpenAI shape, public /health, keys file.</summary>
public sealed class ApiKeyTests
{
    [Fact]
    public async Task RequestsWithoutTheRightKeyGet401InTheOpenAiShapeAndHealthStaysPublic()
    {
        await using var server = await OpsServer.StartAsync("--api-key", "sk-one", "--api-key", "sk-two");

        using var none = await Chat.PostAsync(server.Http, Chat.Body());
        var error = await Chat.ErrorAsync(none, 401, "invalid_api_key");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);

        using var wrongClient = server.Client("sk-three");
        await Chat.ErrorAsync(await Chat.PostAsync(wrongClient, Chat.Body()), 401, "invalid_api_key");
        await Chat.ErrorAsync(await wrongClient.GetAsync("/v1/models"), 401, "invalid_api_key");
        await Chat.ErrorAsync(await server.Http.GetAsync("/metrics"), 401, "invalid_api_key");

        foreach (var key in new[] { "sk-one", "sk-two" })
        {
            using var client = server.Client(key);
            using var ok = await Chat.PostAsync(client, Chat.Body());
            Assert.Equal(200, (int)ok.StatusCode);
        }
        Assert.Equal(200, (int)(await server.Http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task TheOpenAiSdkSeesA401AndDoesNotRetry()
    {
        await using var server = await OpsServer.StartAsync("--api-key", "sk-right");
        var client = new ChatClient("demo", new ApiKeyCredential("sk-wrong"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1") });
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, ex.Status);
        Assert.Contains("invalid_api_key", ex.Message);

        var good = new ChatClient("demo", new ApiKeyCredential("sk-right"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1") });
        Assert.NotEmpty((await good.CompleteChatAsync([new UserChatMessage("hi")])).Value.Content[0].Text);
    }

    [Fact]
    public async Task KeysFileAndPublicPathsAreConfigurable()
    {
        var folder = Directory.CreateTempSubdirectory("llm-keys-").FullName;
        var file = Path.Combine(folder, "keys.txt");
        await File.WriteAllTextAsync(file, "# team keys\n\nsk-from-file\n");
        await using var server = await OpsServer.StartAsync(false, "--api-keys-file", file, "--api-key", "sk-flag", "--public-path", "/openapi");
        using var fromFile = server.Client("sk-from-file");
        Assert.Equal(200, (int)(await fromFile.GetAsync("/v1/models")).StatusCode);
        using var fromFlag = server.Client("sk-flag");
        Assert.Equal(200, (int)(await fromFlag.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(200, (int)(await server.Http.GetAsync("/openapi/v1.json")).StatusCode);
        // Naming public paths replaces the default, so /health now needs a key too.
        Assert.Equal(401, (int)(await server.Http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public void KeyStoreMatchesOnlyConfiguredKeysAndNamesThemWithoutRevealingThem()
    {
        var store = new ApiKeyStore(new ServerOptions { ApiKeys = ["alpha", "beta"], PublicPaths = ["/health", "docs"] });
        Assert.True(store.TryMatch("beta", out var id, out _));
        Assert.StartsWith("key-", id);
        Assert.DoesNotContain("beta", id);
        Assert.False(store.TryMatch("alph", out _, out _));
        Assert.False(store.TryMatch("alphaa", out _, out _));
        Assert.False(store.TryMatch("", out _, out _));
        Assert.True(store.IsPublic("/docs/v1"));
        Assert.True(store.IsPublic("/health"));
        Assert.False(store.IsPublic("/healthz"));
        Assert.False(store.IsPublic("/v1/models"));
        Assert.False(new ApiKeyStore(new ServerOptions()).Enabled);
    }
}
