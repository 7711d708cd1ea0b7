using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Operations;

/// <summary>Rate limits (429 with Retry-After) and caps on max_tokens, n and prompt tokens (400 naming the field).</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task RequestRateLimitAnswers429WithRetryAfterPerKey()
    {
        await using var server = await OpsServer.StartAsync("--api-key", "sk-a", "--api-key", "sk-b", "--rate-limit", "3");
        using var a = server.Client("sk-a");
        for (var i = 0; i < 3; i++) Assert.Equal(200, (int)(await a.GetAsync("/v1/models")).StatusCode);
        using var limited = await a.GetAsync("/v1/models");
        var error = await Chat.ErrorAsync(limited, 429, "rate_limit_exceeded");
        Assert.Equal("requests", error.GetProperty("type").GetString());
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        // Another key has its own budget, and /health is never limited.
        using var b = server.Client("sk-b");
        Assert.Equal(200, (int)(await b.GetAsync("/v1/models")).StatusCode);
        for (var i = 0; i < 5; i++) Assert.Equal(200, (int)(await a.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task TokenRateLimitCountsRequestedTokens()
    {
        await using var server = await OpsServer.StartAsync("--token-rate-limit", "100");
        using var first = await Chat.PostAsync(server.Http, Chat.Body(maxTokens: 80));
        Assert.Equal(200, (int)first.StatusCode);
        using var second = await Chat.PostAsync(server.Http, Chat.Body(maxTokens: 80));
        var error = await Chat.ErrorAsync(second, 429, "rate_limit_exceeded");
        Assert.Equal("tokens", error.GetProperty("type").GetString());
        Assert.NotNull(second.Headers.RetryAfter);
    }

    [Fact]
    public async Task CapsOnMaxTokensNAndPromptTokensAnswer400NamingTheField()
    {
        await using var server = await OpsServer.StartAsync("--max-tokens", "10", "--max-n", "2", "--max-prompt-tokens", "40");
        var tooMany = await Chat.ErrorAsync(await Chat.PostAsync(server.Http, Chat.Body(maxTokens: 11)), 400, "invalid_value");
        Assert.Equal("max_tokens", tooMany.GetProperty("param").GetString());

        var body = (Dictionary<string, object?>)Chat.Body(maxTokens: 5);
        body["max_completion_tokens"] = 50;
        var completionCap = await Chat.ErrorAsync(await Chat.PostAsync(server.Http, body), 400, "invalid_value");
        Assert.Equal("max_completion_tokens", completionCap.GetProperty("param").GetString());

        body = (Dictionary<string, object?>)Chat.Body(maxTokens: 5);
        body["n"] = 3;
        var n = await Chat.ErrorAsync(await Chat.PostAsync(server.Http, body), 400, "invalid_value");
        Assert.Equal("n", n.GetProperty("param").GetString());

        using var longPrompt = await Chat.PostAsync(server.Http, Chat.Body(content: string.Join(' ', Enumerable.Repeat("word", 60)), maxTokens: 5));
        Assert.Equal(400, (int)longPrompt.StatusCode);
        Assert.Contains("at most 40", await longPrompt.Content.ReadAsStringAsync());

        Assert.Equal(200, (int)(await Chat.PostAsync(server.Http, Chat.Body(maxTokens: 10))).StatusCode);
    }

    [Fact]
    public async Task CorsIsOffByDefaultAndAllowsConfiguredOrigins()
    {
        await using var closed = await OpsServer.StartAsync();
        using var plain = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        plain.Headers.Add("Origin", "https://app.example");
        using var noCors = await closed.Http.SendAsync(plain);
        Assert.False(noCors.Headers.Contains("Access-Control-Allow-Origin"));

        await using var open = await OpsServer.StartAsync("--cors-origin", "https://app.example", "--api-key", "sk-c");
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var allowed = await open.Http.SendAsync(preflight);
        Assert.True((int)allowed.StatusCode is 200 or 204, $"preflight answered {(int)allowed.StatusCode}");
        Assert.Equal("https://app.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var other = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        other.Headers.Add("Origin", "https://evil.example");
        other.Headers.Add("Access-Control-Request-Method", "POST");
        using var refused = await open.Http.SendAsync(other);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
