using System.Net;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;

namespace Llm.Api.Tests.EndToEnd;

[Collection(ServerCollection.Name)]
public sealed class CompletionsTests(ServerFixture server)
{
    private async Task<System.Text.Json.JsonElement> PostAsync(string body)
    {
        using var response = await server.Http.PostAsync("/v1/completions", Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return Sse.Parse(text);
    }

    [Fact]
    public async Task StringPromptDefaultsToSixteenTokens()
    {
        var body = await PostAsync("""{"model":"demo","prompt":"0","temperature":0}""");
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(DemoModel.GreedyContinuation('0', 16).Text, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(16, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ArrayOfStringsGivesOneChoicePerPrompt()
    {
        var body = await PostAsync("""{"model":"demo","prompt":["hello","xy"],"temperature":0,"max_tokens":50}""");
        var choices = body.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.Equal("pqrstuvwxyz.", choices[0].GetProperty("text").GetString());
        Assert.Equal("z.", choices[1].GetProperty("text").GetString());
        Assert.Equal(1, choices[1].GetProperty("index").GetInt32());
        Assert.Equal(14, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task TokenIdPromptsAreUsedAsGiven()
    {
        var w = DemoModel.TokenOf('w');
        var body = await PostAsync($$"""{"model":"demo","prompt":[{{DemoModel.BeginOfSequenceToken}},{{w}}],"temperature":0}""");
        Assert.Equal("xyz.", body.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(2, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        var lists = await PostAsync($$"""{"model":"demo","prompt":[[{{w}}],[{{DemoModel.TokenOf('5')}}]],"temperature":0,"max_tokens":3}""");
        Assert.Equal("xyz", lists.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("678", lists.GetProperty("choices")[1].GetProperty("text").GetString());
    }

    [Fact]
    public async Task ConcurrentRequestsDoNotInterleave()
    {
        var prompts = Enumerable.Range(0, 16).Select(i => "abcdefghijklmnop"[i].ToString()).ToArray();
        var bodies = await Task.WhenAll(prompts.Select(p => PostAsync($$"""{"model":"demo","prompt":"{{p}}","temperature":0,"max_tokens":40}""")));
        for (var i = 0; i < prompts.Length; i++)
            Assert.Equal(DemoModel.GreedyContinuation(prompts[i][0], 40).Text, bodies[i].GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task EchoPrependsThePrompt()
    {
        var body = await PostAsync("""{"model":"demo","prompt":"hello","temperature":0,"max_tokens":3,"echo":true}""");
        Assert.Equal("hellopqr", body.GetProperty("choices")[0].GetProperty("text").GetString());
        var (_, events) = await Sse.PostAsync(server.Http, "/v1/completions", """{"model":"demo","prompt":"abc","temperature":0,"max_tokens":2,"echo":true,"stream":true}""");
        Assert.Equal("abcde", string.Concat(events[..^1].Select(Sse.Parse).Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())));
    }
}
