using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.EndToEnd;

/// <summary><c>n</c>: independent choices that share the prompt's KV cells.</summary>
[Collection(ServerCollection.Name)]
public sealed class ChoicesTests(ServerFixture server)
{
    private async Task<JsonElement> PostAsync(string path, string body)
    {
        using var response = await server.Http.PostAsync(path, Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return Sse.Parse(text);
    }

    [Fact]
    public async Task SeededChoicesDifferAndRepeat()
    {
        const string body = """{"model":"demo","messages":[{"role":"user","content":"hello"}],"temperature":1,"seed":5,"n":3,"max_tokens":30}""";
        var first = await PostAsync("/v1/chat/completions", body);
        var texts = first.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()).ToList();
        Assert.Equal([0, 1, 2], first.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(3, texts.Distinct().Count());
        var again = await PostAsync("/v1/chat/completions", body);
        Assert.Equal(texts, again.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()));
        var usage = first.GetProperty("usage");
        Assert.True(usage.GetProperty("completion_tokens").GetInt32() > 30);
    }

    [Fact]
    public async Task StreamedChoicesCarryTheirOwnIndex()
    {
        var (_, events) = await Sse.PostAsync(server.Http, "/v1/chat/completions",
            """{"model":"demo","messages":[{"role":"user","content":"hello"}],"temperature":0,"n":2,"max_tokens":4,"stream":true,"stream_options":{"include_usage":true}}""");
        var chunks = events[..^1].Select(Sse.Parse).ToList();
        foreach (var index in new[] { 0, 1 })
        {
            var mine = chunks.Where(c => c.GetProperty("choices").GetArrayLength() == 1 && c.GetProperty("choices")[0].GetProperty("index").GetInt32() == index)
                .Select(c => c.GetProperty("choices")[0]).ToList();
            Assert.Equal("assistant", mine[0].GetProperty("delta").GetProperty("role").GetString());
            Assert.Equal("abcd", string.Concat(mine.Skip(1).Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));
            Assert.Equal("length", mine[^1].GetProperty("finish_reason").GetString());
        }
        Assert.Equal(8, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task CompletionsOrderChoicesPromptByPrompt()
    {
        var body = await PostAsync("/v1/completions", """{"model":"demo","prompt":["hello","7"],"n":2,"temperature":0,"max_tokens":3}""");
        var choices = body.GetProperty("choices").EnumerateArray().Select(c => (c.GetProperty("index").GetInt32(), c.GetProperty("text").GetString())).ToList();
        Assert.Equal([(0, "pqr"), (1, "pqr"), (2, "890"), (3, "890")], choices);
    }
}
