using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.EndToEnd;

/// <summary>
/// Chat completions' streams on the demo model (deterministic at temperature 0), byte for byte against committed
/// transcripts: text with usage, and a forced tool call.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ChatGoldenTranscriptTests(ServerFixture server)
{
    private const string Tool = """{"type":"function","function":{"name":"lookup","description":"Looks a word up.","parameters":{"type":"object","properties":{"word":{"type":"string","maxLength":5}},"required":["word"],"additionalProperties":false}}}""";

    [Fact]
    public async Task TextStreamMatchesItsTranscript()
    {
        var raw = await GoldenTranscript.ReadRawAsync(server.Http, "/v1/chat/completions",
            """{"model":"demo","messages":[{"role":"user","content":"hello"}],"temperature":0,"max_tokens":8,"cache_salt":"golden-text","stream":true,"stream_options":{"include_usage":true}}""");
        GoldenTranscript.AssertMatches("chat-completions-text", raw);
    }

    [Fact]
    public async Task ToolCallStreamMatchesItsTranscript()
    {
        var raw = await GoldenTranscript.ReadRawAsync(server.Http, "/v1/chat/completions",
            $$$"""{"model":"demo","messages":[{"role":"user","content":"look it up"}],"tools":[{{{Tool}}}],"tool_choice":{"type":"function","function":{"name":"lookup"}},"temperature":0,"max_tokens":120,"cache_salt":"golden-tool","stream":true,"stream_options":{"include_usage":true}}""");
        GoldenTranscript.AssertMatches("chat-completions-tool-call", raw);
    }
}
