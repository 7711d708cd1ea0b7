using System.ComponentModel;
using System.Text.Json;
using Llm.Runtime.Extensions.AI;
using Llm.Runtime.Tests.Inference;
using Microsoft.Extensions.AI;

namespace Llm.Runtime.Tests.Extensions.AI;

/// <summary>Grammar-constrained output through the in-process client: even the demo model must produce valid JSON and real tool calls.</summary>
public sealed class StructuredAndToolTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task JsonSchemaResponseFormatYieldsAMatchingObject()
    {
        using var client = new LlmChatClient(fixture.Demo);
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"name":{"type":"string","maxLength":6},"age":{"type":"integer"},"ok":{"type":"boolean"}},"required":["name","age","ok"],"additionalProperties":false}""").RootElement;
        for (var seed = 1; seed <= 3; seed++)
        {
            var response = await client.GetResponseAsync("describe someone", new ChatOptions { Temperature = 1, Seed = seed, MaxOutputTokens = 200, ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "person") });
            Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
            using var json = JsonDocument.Parse(response.Text);
            var root = json.RootElement;
            Assert.Equal(JsonValueKind.String, root.GetProperty("name").ValueKind);
            Assert.InRange(root.GetProperty("name").GetString()!.Length, 0, 6);
            Assert.True(root.GetProperty("age").TryGetInt64(out _));
            Assert.True(root.GetProperty("ok").ValueKind is JsonValueKind.True or JsonValueKind.False);
            Assert.Equal(3, root.EnumerateObject().Count());
        }
    }

    // These bounds used to make a grammar llama.cpp refused, and the null sampler then crashed the process.
    [Theory]
    [InlineData("""{"type":"string","maxLength":2000}""")]
    [InlineData("""{"type":"array","maxItems":1999,"items":{"type":"array","maxItems":1999,"items":{"type":"integer"}}}""")]
    [InlineData("""{"type":"object","properties":{"s":{"type":"string","minLength":1,"maxLength":1999}},"required":["s"]}""")]
    public async Task Large_repetition_bounds_work_in_process(string schema)
    {
        using var client = new LlmChatClient(fixture.Demo);
        var format = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement, "big");
        var response = await client.GetResponseAsync("go", new ChatOptions { Temperature = 1, Seed = 1, MaxOutputTokens = 8, ResponseFormat = format });
        Assert.NotNull(response.Text);
        Assert.Matches("^[\\[{\"]", response.Text.TrimStart());
    }

    [Fact]
    public async Task FunctionInvocationRoundTrip()
    {
        // A boolean argument: the grammar leaves the demo model only "true" or "false", so the call always completes.
        var calls = new List<bool>();
        var forecast = AIFunctionFactory.Create(([Description("metric units")] bool metric) =>
        {
            calls.Add(metric);
            return metric ? "sunny, 20 C" : "sunny, 68 F";
        }, "get_forecast", "Gets the forecast");
        using var client = new ChatClientBuilder(new LlmChatClient(fixture.Demo)).UseFunctionInvocation().Build();
        var response = await client.GetResponseAsync("what's the weather?", new ChatOptions { Tools = [forecast], ToolMode = ChatToolMode.RequireAny, Temperature = 1, Seed = 3, MaxOutputTokens = 200 });

        Assert.True(calls.Count > 0, $"no call; finish {response.FinishReason}, text: {response.Text}");
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().First();
        Assert.Equal("get_forecast", call.Name);
        var result = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().First();
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal(calls[0] ? "sunny, 20 C" : "sunny, 68 F", result.Result?.ToString());
        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role);
    }
}
