using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;

namespace Llm.Api.Tests.EndToEnd;

/// <summary>The exact SSE framing that curl -N and the SDKs rely on.</summary>
[Collection(ServerCollection.Name)]
public sealed class StreamingWireTests(ServerFixture server)
{
    private const string Hello = """{"model":"demo","messages":[{"role":"user","content":"hello"}],"temperature":0,"stream":true""";

    [Fact]
    public async Task ChatStreamHasRoleFirstOneIdOneFinishUsageChunkAndDone()
    {
        var (response, events) = await Sse.PostAsync(server.Http, "/v1/chat/completions", Hello + ""","stream_options":{"include_usage":true}}""");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(Sse.Parse).ToList();

        var first = chunks[0].GetProperty("choices")[0];
        Assert.Equal("assistant", first.GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("", first.GetProperty("delta").GetProperty("content").GetString());
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.All(chunks, c =>
        {
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal(JsonValueKind.Number, c.GetProperty("created").ValueKind);
            Assert.True(c.GetProperty("created").TryGetInt64(out _));
            Assert.Equal("demo", c.GetProperty("model").GetString());
        });

        var usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        Assert.Equal(DemoModel.ChatReply.Length, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));

        var choices = chunks[..^1].Select(c => c.GetProperty("choices")[0]).ToList();
        var finishes = choices.Where(c => c.GetProperty("finish_reason").ValueKind != JsonValueKind.Null).ToList();
        var finish = Assert.Single(finishes);
        Assert.Equal("stop", finish.GetProperty("finish_reason").GetString());
        Assert.Equal("{}", finish.GetProperty("delta").GetRawText());
        Assert.Equal(choices[^1].GetRawText(), finish.GetRawText());
        var text = string.Concat(choices.Skip(1).Select(c => c.GetProperty("delta").TryGetProperty("content", out var content) ? content.GetString() : ""));
        Assert.Equal(DemoModel.ChatReply, text);
    }

    [Fact]
    public async Task WithoutIncludeUsageThereIsNoUsageChunk()
    {
        var (_, events) = await Sse.PostAsync(server.Http, "/v1/chat/completions", Hello + "}");
        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events[..^1].Select(Sse.Parse), c => Assert.Equal(1, c.GetProperty("choices").GetArrayLength()));
    }

    [Fact]
    public async Task NonStreamingResponseHasEveryRequiredField()
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"demo","messages":[{"role":"user","content":[{"type":"text","text":"hel"},{"type":"text","text":"lo"}]}],"temperature":0,"max_completion_tokens":3}"""));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("abc", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("refusal").ValueKind);
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal(3, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + 3, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task CompletionsStreamUsesTextCompletionChunks()
    {
        var (_, events) = await Sse.PostAsync(server.Http, "/v1/completions",
            """{"model":"demo","prompt":"hello","temperature":0,"stream":true,"stream_options":{"include_usage":true}}""");
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(Sse.Parse).ToList();
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        var choices = chunks[..^1].Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.Equal("pqrstuvwxyz.", string.Concat(choices.Select(c => c.GetProperty("text").GetString())));
        Assert.Equal("stop", choices[^1].GetProperty("finish_reason").GetString());
        Assert.All(choices[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
        Assert.Equal(12, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }
}
