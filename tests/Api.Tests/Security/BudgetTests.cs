using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Security;

/// <summary>
/// CPU budgets: a flood of chat messages is answered at once and in time linear in its size, a request may carry at
/// most --max-messages messages, a prompt that cannot fit is refused before it is tokenized, and tokenizing stops
/// when its client leaves.
/// </summary>
public sealed class BudgetTests
{
    [Fact]
    public async Task HundredThousandOneWordMessagesAreAnsweredFastAndInLinearTime()
    {
        // No message cap, so the whole body is mapped, rendered and checked: the costs that used to be quadratic.
        await using var server = await OpsServer.StartAsync("--max-messages", "0");
        var demo = Demo(server);
        var before = demo.CharactersTokenized;

        var started = Stopwatch.GetTimestamp();
        using var flood = await PostAsync(server.Http, "/v1/chat/completions", Messages(100_000), maxTokens: 1);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var error = await Chat.ErrorAsync(flood, 400, "context_length_exceeded");
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"100,000 messages took {elapsed.TotalSeconds:F1} s");
        Assert.Equal(before, demo.CharactersTokenized);

        // Four times the messages: about four times the time when linear, sixteen when quadratic.
        await PostAsync(server.Http, "/v1/chat/completions", Messages(5_000), maxTokens: 1);
        var quarter = await BestAsync(() => PostAsync(server.Http, "/v1/chat/completions", Messages(25_000), maxTokens: 1));
        var whole = await BestAsync(() => PostAsync(server.Http, "/v1/chat/completions", Messages(100_000), maxTokens: 1));
        Assert.True(whole < quarter * 12, $"25,000 messages: {quarter.TotalMilliseconds:F0} ms; 100,000: {whole.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task TokenizingSpecialTokenFloodsIsLinear()
    {
        // /tokenize has no prompt limit (counting tokens is its purpose), so it shows the tokenizer itself. One llama.cpp
        // call on such a text is quadratic in its special tokens (16,000 chat turns took 6.7 s, 32,000 about 27 s).
        await using var server = await OpsServer.StartAsync();
        // Written by hand: a serializer would escape '<' and '>' six bytes each, and 80,000 turns would pass the 4 MiB cap.
        static string Turns(int count) => string.Concat(Enumerable.Repeat("<|im_start|>user\\nword<|im_end|>\\n", count));
        async Task<HttpResponseMessage> Tokenize(int count)
        {
            var response = await server.Http.PostAsync("/tokenize", new StringContent($$"""{"model":"demo","content":"{{Turns(count)}}"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(200, (int)response.StatusCode);
            return response;
        }

        using (var check = await Tokenize(3))
        {
            var tokens = (await Chat.JsonAsync(check)).GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToList();
            Assert.Equal(3, tokens.Count(t => t == DemoModel.StartOfTurnToken)); // special tokens parsed, not spelled out
            Assert.Equal(3, tokens.Count(t => t == DemoModel.EndOfTurnToken));
        }
        await Tokenize(2_000);
        var quarter = await BestAsync(() => Tokenize(20_000));
        var whole = await BestAsync(() => Tokenize(80_000));
        // One call would take minutes (16,000 turns: 6.7 s, growing with the square).
        Assert.True(whole < TimeSpan.FromSeconds(10), $"80,000 turns took {whole.TotalSeconds:F1} s");
        Assert.True(whole < quarter * 12, $"20,000 turns: {quarter.TotalMilliseconds:F0} ms; 80,000: {whole.TotalMilliseconds:F0} ms (linear: 4x, quadratic: 16x)");
        // What makes it linear, counted rather than timed: llama.cpp never sees more than about one chunk at a time.
        var demo = Demo(server);
        Assert.InRange(demo.LongestTokenizerCall, 1, 2 * PromptTokenizer.DefaultChunkChars);
        Assert.True(demo.CharactersTokenized >= 80_000L * 3 * 30, "the 80,000-turn texts were tokenized");
    }

    [Fact]
    public async Task MessagesPerRequestAreCappedAndTheCapIsConfigurable()
    {
        await using var server = await OpsServer.StartAsync();
        var flood = await Chat.ErrorAsync(await PostAsync(server.Http, "/v1/chat/completions", Messages(100_000), maxTokens: 1), 400, "invalid_value");
        Assert.Contains("got 100000", flood.GetProperty("message").GetString());
        foreach (var route in new[] { "/v1/chat/completions", "/apply-template" })
        {
            var error = await Chat.ErrorAsync(await PostAsync(server.Http, route, Messages(4_097), maxTokens: 1), 400, "invalid_value");
            Assert.Equal("messages", error.GetProperty("param").GetString());
            Assert.Contains("at most 4096 messages", error.GetProperty("message").GetString());
            Assert.Equal(200, (int)(await PostAsync(server.Http, "/apply-template", Messages(4_096), maxTokens: null)).StatusCode);
        }

        await using var small = await OpsServer.StartAsync("--max-messages", "3");
        foreach (var route in new[] { "/v1/chat/completions", "/apply-template" })
        {
            var error = await Chat.ErrorAsync(await PostAsync(small.Http, route, Messages(4), maxTokens: 1), 400, "invalid_value");
            Assert.Equal("messages", error.GetProperty("param").GetString());
            Assert.Equal(200, (int)(await PostAsync(small.Http, route, Messages(3), maxTokens: 1)).StatusCode);
        }
    }

    [Fact]
    public async Task PromptsThatCannotFitAreRefusedBeforeTokenizing()
    {
        await using var server = await OpsServer.StartAsync("--max-prompt-tokens", "40", "--max-messages", "0");
        var demo = Demo(server);
        Assert.Equal(200, (int)(await Chat.PostAsync(server.Http, Chat.Body(maxTokens: 2))).StatusCode);
        var counted = demo.CharactersTokenized;
        Assert.True(counted > 0, "an accepted prompt is tokenized and counted");

        // Every route that tokenizes a prompt: over --max-prompt-tokens, over the context, and over the embedding input size.
        var longText = string.Concat(Enumerable.Repeat("<|im_start|>word ", 1_000));
        var cases = new (string Route, object Body, string Param, string Says)[]
        {
            ("/v1/chat/completions", new { model = "demo", messages = new[] { new { role = "user", content = longText } }, max_tokens = 1 }, "messages", "at most 40"),
            ("/v1/completions", new { model = "demo", prompt = longText, max_tokens = 1 }, "prompt", "at most 40"),
            ("/v1/completions", new { model = "demo", prompt = new[] { "hi", longText }, max_tokens = 1 }, "prompt[1]", "at most 40"),
            ("/v1/embeddings", new { model = "demo", input = string.Concat(Enumerable.Repeat("word ", 20_000)) }, "input", "embeds at most"),
        };
        foreach (var (route, body, param, says) in cases)
        {
            using var response = await server.Http.PostAsJsonAsync(route, body);
            var error = await Chat.ErrorAsync(response, 400, "context_length_exceeded");
            Assert.Equal(param, error.GetProperty("param").GetString());
            Assert.Contains(says, error.GetProperty("message").GetString());
            Assert.Equal(counted, demo.CharactersTokenized);
        }

        // Without --max-prompt-tokens the context (2048 here) is the limit, checked the same way.
        await using var open = await OpsServer.StartAsync();
        var openDemo = Demo(open);
        var start = openDemo.CharactersTokenized;
        var tooLong = string.Concat(Enumerable.Repeat("word ", 30_000));
        var contextError = await Chat.ErrorAsync(await open.Http.PostAsJsonAsync("/v1/completions", new { model = "demo", prompt = tooLong, max_tokens = 1 }), 400, "context_length_exceeded");
        Assert.Contains("maximum context length is 2048", contextError.GetProperty("message").GetString());
        Assert.Equal(start, openDemo.CharactersTokenized);
    }

    [Fact]
    public async Task TokenizingStopsWhenTheClientLeaves()
    {
        await using var server = await OpsServer.StartAsync();
        var demo = Demo(server);
        // Written by hand: a serializer would escape '<' and '>' six bytes each, and the body would pass the 4 MiB cap.
        const string turn = "<|im_start|>user\nword word<|im_end|>\n";
        var content = string.Concat(Enumerable.Repeat(turn, 100_000));
        var body = "{\"model\":\"demo\",\"content\":\"" + string.Concat(Enumerable.Repeat(turn.Replace("\n", "\\n", StringComparison.Ordinal), 100_000)) + "\"}";
        var before = demo.CharactersTokenized;

        using var client = server.Client(null);
        using var leave = new CancellationTokenSource();
        var request = client.PostAsync("/tokenize", new StringContent(body, Encoding.UTF8, "application/json"), leave.Token);
        var deadline = Stopwatch.GetTimestamp();
        while (demo.CharactersTokenized == before && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(30)) await Task.Delay(1);
        Assert.True(demo.CharactersTokenized > before, "tokenizing began");
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        // The server notices the closed connection and stops at the next chunk: the count settles short of the text.
        long settled;
        do
        {
            settled = demo.CharactersTokenized;
            await Task.Delay(300);
        }
        while (demo.CharactersTokenized != settled);
        Assert.True(settled - before < content.Length, $"tokenized {settled - before} of {content.Length} characters after the client left");
        Assert.Equal(200, (int)(await Chat.PostAsync(server.Http, Chat.Body(maxTokens: 2))).StatusCode);
    }

    private static ModelHost Demo(OpsServer server) => server.Services.GetRequiredService<ModelRegistry>().Get("demo");

    private static string Messages(int count)
    {
        var body = new StringBuilder("""{"model":"demo","messages":[""");
        for (var i = 0; i < count; i++)
        {
            if (i > 0) body.Append(',');
            body.Append(i % 2 == 0 || i == count - 1 ? """{"role":"user","content":"word"}""" : """{"role":"assistant","content":"word"}""");
        }
        return body.Append("]}").ToString();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string route, string body, int? maxTokens)
    {
        if (maxTokens is { } max) body = body[..^1] + $",\"max_tokens\":{max}}}";
        var response = await http.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode < 500, $"{route}: {(int)response.StatusCode}");
        return response;
    }

    private static async Task<TimeSpan> BestAsync(Func<Task<HttpResponseMessage>> request)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await request();
            var elapsed = Stopwatch.GetElapsedTime(started);
            Assert.True((int)response.StatusCode < 500);
            if (elapsed < best) best = elapsed;
        }
        return best;
    }
}
