using System.ClientModel;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;
using OpenAI;
using OpenAI.Chat;

namespace Llm.Api.Tests.EndToEnd;

/// <summary>On the demo model log-probabilities have closed forms: ln 0.9 for the successor, ln(0.1/94) for any other printable token.</summary>
[Collection(ServerCollection.Name)]
public sealed class LogprobsTests(ServerFixture server)
{
    private static readonly double Top = Math.Log(DemoModel.TopProbability);
    private static readonly double Other = Math.Log(DemoModel.Probability(DemoModel.TokenOf('a'), DemoModel.TokenOf('x')));

    [Fact]
    public async Task ChatLogprobsMatchTheAnalyticValues()
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"demo","messages":[{"role":"user","content":"hello"}],"temperature":0,"max_tokens":5,"logprobs":true,"top_logprobs":3}"""));
        var content = Sse.Parse(await response.Content.ReadAsStringAsync()).GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content");
        Assert.Equal(5, content.GetArrayLength());
        for (var i = 0; i < 5; i++)
        {
            var entry = content[i];
            Assert.Equal(((char)('a' + i)).ToString(), entry.GetProperty("token").GetString());
            Assert.Equal([(int)'a' + i], entry.GetProperty("bytes").EnumerateArray().Select(b => b.GetInt32()));
            Assert.Equal(Top, entry.GetProperty("logprob").GetDouble(), 3);
            var top = entry.GetProperty("top_logprobs");
            Assert.Equal(3, top.GetArrayLength());
            Assert.Equal(entry.GetProperty("token").GetString(), top[0].GetProperty("token").GetString());
            Assert.Equal(Other, top[1].GetProperty("logprob").GetDouble(), 3);
        }
    }

    [Fact]
    public async Task StreamedChunksCarryEveryTokensLogprob()
    {
        var (_, events) = await Sse.PostAsync(server.Http, "/v1/chat/completions", """{"model":"demo","messages":[{"role":"user","content":"hello"}],"temperature":0,"max_tokens":6,"logprobs":true,"stream":true}""");
        var entries = events[..^1].Select(Sse.Parse).Select(c => c.GetProperty("choices")[0].GetProperty("logprobs"))
            .Where(l => l.ValueKind == JsonValueKind.Object).SelectMany(l => l.GetProperty("content").EnumerateArray()).ToList();
        Assert.Equal("abcdef", string.Concat(entries.Select(e => e.GetProperty("token").GetString())));
        Assert.All(entries, e => Assert.Equal(0, e.GetProperty("top_logprobs").GetArrayLength()));
    }

    [Fact]
    public async Task CompletionLogprobsUseParallelArrays()
    {
        using var response = await server.Http.PostAsync("/v1/completions", Sse.Json("""{"model":"demo","prompt":"hello","temperature":0,"max_tokens":4,"logprobs":2}"""));
        var logprobs = Sse.Parse(await response.Content.ReadAsStringAsync()).GetProperty("choices")[0].GetProperty("logprobs");
        Assert.Equal(["p", "q", "r", "s"], logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal([0, 1, 2, 3], logprobs.GetProperty("text_offset").EnumerateArray().Select(t => t.GetInt32()));
        Assert.All(logprobs.GetProperty("token_logprobs").EnumerateArray(), v => Assert.Equal(Top, v.GetDouble(), 3));
        var first = logprobs.GetProperty("top_logprobs")[0];
        Assert.Equal(2, first.EnumerateObject().Count());
        Assert.Equal(Top, first.GetProperty("p").GetDouble(), 3);
    }

    [Fact]
    public async Task CompletionTopLogprobsAlwaysHoldTheSampledToken()
    {
        // logprobs 0: each entry holds just the sampled token, as OpenAI answers (not {}).
        using var zero = await server.Http.PostAsync("/v1/completions", Sse.Json("""{"model":"demo","prompt":"hello","temperature":0,"max_tokens":3,"logprobs":0}"""));
        var none = Sse.Parse(await zero.Content.ReadAsStringAsync()).GetProperty("choices")[0].GetProperty("logprobs");
        Assert.Equal(["p", "q", "r"], none.GetProperty("top_logprobs").EnumerateArray().Select(e => Assert.Single(e.EnumerateObject()).Name));

        // Sampled at temperature 1.5, some tokens are not the most likely one: their entry has logprobs + 1 items.
        using var sampled = await server.Http.PostAsync("/v1/completions", Sse.Json("""{"model":"demo","prompt":"hello","temperature":1.5,"seed":5,"max_tokens":40,"logprobs":1}"""));
        var logprobs = Sse.Parse(await sampled.Content.ReadAsStringAsync()).GetProperty("choices")[0].GetProperty("logprobs");
        var tokens = logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var values = logprobs.GetProperty("token_logprobs").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var tops = logprobs.GetProperty("top_logprobs").EnumerateArray().ToArray();
        for (var i = 0; i < tokens.Length; i++)
        {
            Assert.Equal(values[i], tops[i].GetProperty(tokens[i]).GetDouble(), 5);
            Assert.InRange(tops[i].EnumerateObject().Count(), 1, 2);
        }
        Assert.Contains(tops, t => t.EnumerateObject().Count() == 2);
    }

    [Fact]
    public async Task OpenAiSdkReadsTokenLogProbabilities()
    {
        var client = new ChatClient("demo", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 });
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hello")],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 3, IncludeLogProbabilities = true, TopLogProbabilityCount = 2 });
        Assert.Equal(["a", "b", "c"], completion.ContentTokenLogProbabilities.Select(l => l.Token));
        Assert.All(completion.ContentTokenLogProbabilities, l => Assert.Equal(Top, l.LogProbability, 3));
        Assert.All(completion.ContentTokenLogProbabilities, l => Assert.Equal(2, l.TopLogProbabilities.Count));
    }
}
