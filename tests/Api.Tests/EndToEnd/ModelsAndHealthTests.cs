using System.ClientModel;
using System.Net;
using Llm.Api.Tests.Infrastructure;
using OpenAI;
using OpenAI.Models;

namespace Llm.Api.Tests.EndToEnd;

[Collection(ServerCollection.Name)]
public sealed class ModelsAndHealthTests(ServerFixture server)
{
    [Fact]
    public async Task HealthIsOkOnceLoaded()
    {
        using var response = await server.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", Sse.Parse(await response.Content.ReadAsStringAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ModelsAreListedWithMetadata()
    {
        var body = Sse.Parse(await server.Http.GetStringAsync("/v1/models"));
        Assert.Equal("list", body.GetProperty("object").GetString());
        var demo = body.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "demo");
        Assert.Equal("model", demo.GetProperty("object").GetString());
        Assert.True(demo.GetProperty("created").TryGetInt64(out _));
        var meta = demo.GetProperty("meta");
        Assert.Equal("ready", meta.GetProperty("state").GetString());
        Assert.Equal("llama", meta.GetProperty("architecture").GetString());
        Assert.Equal(2048, meta.GetProperty("context_length").GetInt32());
        Assert.Equal("F16", meta.GetProperty("quantization").GetString());
    }

    [Fact]
    public async Task OpenAiModelClientListsAndGets()
    {
        var client = new OpenAIModelClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 });
        OpenAIModelCollection models = await client.GetModelsAsync();
        Assert.Contains(models, m => m.Id == "demo");
        OpenAIModel demo = await client.GetModelAsync("demo");
        Assert.Equal("demo", demo.Id);
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelAsync("missing"));
        Assert.Equal(404, ex.Status);
    }
}
