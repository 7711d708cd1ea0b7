using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.EndToEnd;

/// <summary><c>usage.prompt_tokens_details.cached_tokens</c> reports the prompt tokens reused from the prefix cache.</summary>
[Collection(ServerCollection.Name)]
public sealed class PrefixCacheUsageTests(ServerFixture server)
{
    private static int CachedTokens(JsonElement body) => body.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();

    private async Task<JsonElement> PostAsync(string path, string body)
    {
        using var response = await server.Http.PostAsync(path, Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return Sse.Parse(text);
    }

    private static string Chat(string system, string user, bool stream) =>
        $$"""{"model":"demo","messages":[{"role":"system","content":"{{system}}"},{"role":"user","content":"{{user}}"}],"temperature":0,"max_tokens":8,"stream":{{(stream ? "true" : "false")}}{{(stream ? ""","stream_options":{"include_usage":true}""" : "")}}}""";

    [Fact]
    public async Task ChatReusesTheSharedSystemPrompt()
    {
        var system = "You answer in the voice of a lighthouse keeper " + Guid.NewGuid().ToString("N");
        var first = await PostAsync("/v1/chat/completions", Chat(system, "hello", stream: false));
        // Only the template's opening tokens, shared with every earlier chat, can be cached yet.
        Assert.InRange(CachedTokens(first), 0, 20);
        var second = await PostAsync("/v1/chat/completions", Chat(system, "xyz", stream: false));
        var promptTokens = second.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.InRange(CachedTokens(second), system.Length, promptTokens - 1);

        var (_, events) = await Sse.PostAsync(server.Http, "/v1/chat/completions", Chat(system, "abc", stream: true));
        var usageChunk = Sse.Parse(events[^2]);
        Assert.InRange(CachedTokens(usageChunk), system.Length, promptTokens - 1);
    }

    [Fact]
    public async Task CompletionsSumTheCachedTokensOfTheirPrompts()
    {
        var prefix = "Once upon a time " + Guid.NewGuid().ToString("N");
        var cold = await PostAsync("/v1/completions", $$"""{"model":"demo","prompt":"{{prefix}} a","max_tokens":4,"temperature":0}""");
        Assert.InRange(CachedTokens(cold), 0, 5);
        var warm = await PostAsync("/v1/completions", $$"""{"model":"demo","prompt":["{{prefix}} b","{{prefix}} c"],"max_tokens":4,"temperature":0}""");
        Assert.True(CachedTokens(warm) >= 2 * prefix.Length, warm.ToString());

        var (_, events) = await Sse.PostAsync(server.Http, "/v1/completions",
            $$$"""{"model":"demo","prompt":"{{{prefix}}} d","max_tokens":4,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}""");
        Assert.True(CachedTokens(Sse.Parse(events[^2])) >= prefix.Length);
    }
}
