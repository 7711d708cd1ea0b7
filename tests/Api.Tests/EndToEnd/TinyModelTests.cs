using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.EndToEnd;

/// <summary>The real Llama 2 vocabulary through the whole stack (random weights: only structural assertions).</summary>
[Collection(ServerCollection.Name)]
public sealed class TinyModelTests(ServerFixture server)
{
    private static string Chat(string extra) => $$"""{"model":"tiny","messages":[{"role":"user","content":"Bonjour, ça va? 日本語"}]{{extra}}}""";

    private async Task<JsonElement> PostAsync(string path, string body)
    {
        TestModels.RequireTinyLlama();
        using var response = await server.Http.PostAsync(path, Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return Sse.Parse(text);
    }

    [Fact]
    public async Task StreamedTextEqualsNonStreamedTextAtTemperatureZero()
    {
        var whole = await PostAsync("/v1/chat/completions", Chat(""","temperature":0,"max_tokens":40"""));
        var (_, events) = await Sse.PostAsync(server.Http, "/v1/chat/completions", Chat(""","temperature":0,"max_tokens":40,"stream":true"""));
        var streamed = new StringBuilder();
        foreach (var chunk in events[..^1].Select(Sse.Parse))
        {
            if (chunk.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var content)) streamed.Append(content.GetString());
        }
        var expected = whole.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        Assert.False(string.IsNullOrEmpty(expected));
        Assert.Equal(expected, streamed.ToString());
    }

    [Fact]
    public async Task LengthFinishMeansExactlyMaxTokens()
    {
        var body = await PostAsync("/v1/chat/completions", Chat(""","temperature":0.8,"seed":3,"max_tokens":25,"logit_bias":{"2":-100}"""));
        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(25, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task SameSeedSameTextDifferentSeedsDifferentTexts()
    {
        async Task<string> Sample(int seed)
        {
            var body = await PostAsync("/v1/completions", $$"""{"model":"tiny","prompt":"Once upon a time","temperature":1.0,"seed":{{seed}},"max_tokens":30}""");
            return body.GetProperty("choices")[0].GetProperty("text").GetString()!;
        }
        var first = await Sample(7);
        Assert.Equal(first, await Sample(7));
        Assert.NotEqual(first, await Sample(8));
    }

    [Fact]
    public async Task PromptTokensCountTheRealTokenizer()
    {
        var body = await PostAsync("/v1/completions", """{"model":"tiny","prompt":"Hello world","max_tokens":1}""");
        // <s> ▁Hello ▁world in Llama 2's SentencePiece vocabulary.
        Assert.Equal(3, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }
}
