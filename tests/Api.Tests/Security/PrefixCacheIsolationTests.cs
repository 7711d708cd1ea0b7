using System.Net.Http.Json;
using System.Text.Json;
using Llm.Api.Hosting;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Security;

/// <summary>
/// The prefix cache over real HTTP with two API keys (two tenants): <c>cached_tokens</c> is no oracle for another
/// tenant's prompt, <c>cache_salt</c> narrows reuse within a tenant, and <c>--prefix-cache-scope global</c> shares.
/// </summary>
public sealed class PrefixCacheIsolationTests
{
    private const string KeyA = "sk-tenant-a";
    private const string KeyB = "sk-tenant-b";
    private const string Lead = "You are the bank's assistant. The customer's PIN is ";
    private const string Pin = "7391";

    private static Dictionary<string, object?> ChatBody(string system, string? salt = null, bool stream = false) => new()
    {
        ["model"] = "demo",
        ["messages"] = new[] { new { role = "system", content = system }, new { role = "user", content = "hi" } },
        ["temperature"] = 0,
        ["max_tokens"] = 1,
        ["stream"] = stream,
        ["stream_options"] = stream ? new { include_usage = true } : null,
        ["cache_salt"] = salt,
    };

    private static Dictionary<string, object?> CompletionBody(string prompt, string? salt = null) => new()
    {
        ["model"] = "demo",
        ["prompt"] = prompt,
        ["temperature"] = 0,
        ["max_tokens"] = 1,
        ["cache_salt"] = salt,
    };

    private static string Path(Dictionary<string, object?> body) => body.ContainsKey("messages") ? "/v1/chat/completions" : "/v1/completions";

    private static async Task<JsonElement> UsageAsync(HttpClient client, Dictionary<string, object?> body)
    {
        if (body.GetValueOrDefault("stream") is true)
        {
            var (response, events) = await Sse.PostAsync(client, Path(body), JsonSerializer.Serialize(body));
            Assert.Equal(200, (int)response.StatusCode);
            return Sse.Parse(events[^2]).GetProperty("usage");
        }
        using var reply = await client.PostAsJsonAsync(Path(body), body);
        var text = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.IsSuccessStatusCode, text);
        return Sse.Parse(text).GetProperty("usage");
    }

    private static async Task<int> CachedAsync(HttpClient client, Dictionary<string, object?> body)
        => (await UsageAsync(client, body)).GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();

    private static long Hits(OpsServer server) => server.Services.GetRequiredService<ModelRegistry>().Get("demo").GetMetrics().PrefixCacheHits;

    // cached_tokens for each digit guessed after the known part of the PIN.
    private static async Task<int[]> CachedPerGuessAsync(HttpClient client, string known, string? salt = null)
    {
        var cached = new int[10];
        for (var digit = 0; digit < 10; digit++) cached[digit] = await CachedAsync(client, ChatBody(Lead + known + digit, salt));
        return cached;
    }

    // The attack from the issue: keep the digit that alone raised cached_tokens; stop when none stands out.
    private static async Task<string> AttackAsync(HttpClient client, string? salt = null)
    {
        var learned = "";
        while (learned.Length < Pin.Length)
        {
            var cached = await CachedPerGuessAsync(client, learned, salt);
            var best = cached.Max();
            if (cached.Count(c => c == best) != 1) break;
            learned += Array.IndexOf(cached, best);
        }
        return learned;
    }

    [Fact]
    public async Task ThePinProbeLearnsNothingAcrossTenants()
    {
        // Room for every probe to stay cached, so nothing the probes learn (or not) comes from evictions.
        await using var server = await OpsServer.StartAsync("--api-key", KeyA, "--api-key", KeyB, "--ctx-size", "4096", "--cache-slots", "124");
        using var a = server.Client(KeyA);
        using var b = server.Client(KeyB);
        var secret = ChatBody(Lead + Pin + ". Never say it.");
        Assert.Equal(0, await CachedAsync(a, secret));

        // B's first request shares every token of A's prompt up to the PIN, and reuses none of them.
        var hits = Hits(server);
        Assert.Equal(0, await CachedAsync(b, ChatBody(Lead)));
        Assert.Equal(hits, Hits(server));

        // Even handed the right digits so far, each guess of the next one reads the same count, right or wrong.
        for (var position = 0; position < Pin.Length; position++)
        {
            var cached = await CachedPerGuessAsync(b, Pin[..position]);
            Assert.True(cached.Distinct().Count() == 1, $"Position {position}: cached_tokens per digit {string.Join(',', cached)}.");
        }
        Assert.Equal("", await AttackAsync(b));
        Assert.Equal("", await AttackAsync(a, salt: "another-salt"));

        // Inside A's own partition the same probe reads the PIN: the oracle is real, and the cache works there.
        Assert.Equal(Pin, await AttackAsync(a));
    }

    public static TheoryData<bool> Endpoints => new() { true, false };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task CacheSaltNarrowsReuseWithinATenantAndNeverJoinsTenants(bool chat)
    {
        await using var server = await OpsServer.StartAsync("--api-key", KeyA, "--api-key", KeyB);
        using var a = server.Client(KeyA);
        using var b = server.Client(KeyB);
        var text = "Tell the story of the lighthouse keeper " + Guid.NewGuid().ToString("N");
        Dictionary<string, object?> Body(string? salt) => chat ? ChatBody(text, salt) : CompletionBody(text, salt);

        Assert.Equal(0, await CachedAsync(a, Body("s1")));
        var usage = await UsageAsync(a, Body("s1"));
        var promptTokens = usage.GetProperty("prompt_tokens").GetInt32();
        Assert.Equal(promptTokens - 1, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, await CachedAsync(a, Body("s2")));
        Assert.Equal(0, await CachedAsync(a, Body(null)));
        Assert.Equal(0, await CachedAsync(b, Body("s1")));
        Assert.Equal(0, await CachedAsync(b, Body(null)));

        // Without a salt, and with the same salt, a tenant reuses its own prompts.
        Assert.Equal(promptTokens - 1, await CachedAsync(a, Body(null)));
        Assert.Equal(promptTokens - 1, await CachedAsync(b, Body("s1")));
        if (chat) Assert.Equal(promptTokens - 1, await CachedAsync(a, ChatBody(text, "s2", stream: true)));
    }

    [Fact]
    public async Task GlobalScopeSharesAcrossTenantsAndTheSaltStillSeparates()
    {
        await using var server = await OpsServer.StartAsync("--api-key", KeyA, "--api-key", KeyB, "--prefix-cache-scope", "global");
        using var a = server.Client(KeyA);
        using var b = server.Client(KeyB);
        var rules = "Shared house rules " + Guid.NewGuid().ToString("N");
        var prompt = ChatBody(rules);
        Assert.Equal(0, await CachedAsync(a, prompt));
        var hits = Hits(server);
        var usage = await UsageAsync(b, prompt);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() - 1, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(hits + 1, Hits(server));

        var salted = ChatBody(rules, "team-x");
        Assert.Equal(0, await CachedAsync(b, salted));
        Assert.True(await CachedAsync(a, salted) > 0);
    }

    public static TheoryData<string, string> BadSalts => new()
    {
        { "/v1/chat/completions", "\"\"" },
        { "/v1/chat/completions", "123" },
        { "/v1/chat/completions", "true" },
        { "/v1/chat/completions", "{}" },
        { "/v1/chat/completions", "[\"a\"]" },
        { "/v1/chat/completions", JsonSerializer.Serialize(new string('x', 257)) },
        { "/v1/completions", "\"\"" },
        { "/v1/completions", "42" },
        { "/v1/completions", JsonSerializer.Serialize(new string('x', 257)) },
    };

    [Theory]
    [MemberData(nameof(BadSalts))]
    public async Task ABadCacheSaltIsA400NamingIt(string path, string salt)
    {
        await using var server = await OpsServer.StartAsync();
        var body = path.Contains("chat", StringComparison.Ordinal)
            ? $$"""{"model":"demo","messages":[{"role":"user","content":"hi"}],"max_tokens":1,"cache_salt":{{salt}}}"""
            : $$"""{"model":"demo","prompt":"hi","max_tokens":1,"cache_salt":{{salt}}}""";
        using var response = await server.Http.PostAsync(path, Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(400 == (int)response.StatusCode, text);
        var error = Sse.Parse(text).GetProperty("error");
        Assert.Equal("cache_salt", error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("cache_salt", error.GetProperty("message").GetString());

        // The longest salt and an explicit null are fine.
        foreach (var good in new[] { JsonSerializer.Serialize(new string('x', 256)), "null" })
        {
            using var ok = await server.Http.PostAsync(path, Sse.Json(body.Replace(salt, good, StringComparison.Ordinal)));
            Assert.True(ok.IsSuccessStatusCode, await ok.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public void TheScopeIsAFlagWithTenantAsTheDefault()
    {
        Assert.Equal("global", CommandLine.Parse(["--prefix-cache-scope", "global"])!["Llm:PrefixCacheScope"]);
        Assert.Equal(ServerOptions.TenantPrefixCacheScope, new ServerOptions().PrefixCacheScope);
        Assert.Contains("--prefix-cache-scope", new ServerOptions { PrefixCacheScope = "everyone" }.Validate());
        Assert.Null(new ServerOptions { PrefixCacheScope = "global" }.Validate());
    }
}
