using System.ClientModel;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;

#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK, yet clients send it.

namespace Llm.Api.Tests.EndToEnd;

/// <summary>Grammar-constrained generation over HTTP: even the demo model returns schema-valid JSON and well-formed tool calls.</summary>
[Collection(ServerCollection.Name)]
public sealed class StructuredOutputAndToolsTests(ServerFixture server)
{
    private const string WeatherTool = """{"type":"function","function":{"name":"get_weather","description":"Weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string","maxLength":8},"metric":{"type":"boolean"}},"required":["city","metric"],"additionalProperties":false}}}""";
    private const string TimeTool = """{"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"utc":{"type":"boolean"}},"required":["utc"]}}}""";

    private ChatClient Client() => new("demo", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 });

    [Fact]
    public async Task JsonSchemaResponseFormatThroughTheOpenAiSdk()
    {
        var schema = BinaryData.FromString("""{"type":"object","properties":{"name":{"type":"string","maxLength":5},"tags":{"type":"array","items":{"enum":["x","y"]},"maxItems":3},"ok":{"type":"boolean"}},"required":["name","tags","ok"],"additionalProperties":false}""");
        for (var seed = 1; seed <= 3; seed++)
        {
            var options = new ChatCompletionOptions { Temperature = 1, Seed = seed, MaxOutputTokenCount = 200, ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("thing", schema, jsonSchemaIsStrict: true) };
            ChatCompletion completion = await Client().CompleteChatAsync([new UserChatMessage("give me a thing")], options);
            Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
            using var json = JsonDocument.Parse(completion.Content[0].Text);
            Assert.InRange(json.RootElement.GetProperty("name").GetString()!.Length, 0, 5);
            Assert.All(json.RootElement.GetProperty("tags").EnumerateArray(), t => Assert.Contains(t.GetString(), new[] { "x", "y" }));
            Assert.InRange(json.RootElement.GetProperty("tags").GetArrayLength(), 0, 3);
        }
    }

    [Fact]
    public async Task JsonObjectResponseFormatStartsAnObject()
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"demo","messages":[{"role":"user","content":"json please"}],"response_format":{"type":"json_object"},"temperature":0,"max_tokens":40}"""));
        var content = Sse.Parse(await response.Content.ReadAsStringAsync()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.StartsWith("{", content.TrimStart());
    }

    [Fact]
    public async Task RequiredToolChoiceReturnsToolCallsThroughTheSdk()
    {
        var options = new ChatCompletionOptions { Temperature = 1, Seed = 4, MaxOutputTokenCount = 300, ToolChoice = ChatToolChoice.CreateRequiredChoice(), AllowParallelToolCalls = false };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather in a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string","maxLength":8},"metric":{"type":"boolean"}},"required":["city","metric"],"additionalProperties":false}""")));
        ChatCompletion completion = await Client().CompleteChatAsync([new UserChatMessage("weather in Paris?")], options);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("call_", call.Id);
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.True(arguments.RootElement.GetProperty("metric").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.InRange(arguments.RootElement.GetProperty("city").GetString()!.Length, 0, 8);
    }

    [Fact]
    public async Task StreamedToolCallsFollowTheWireContract()
    {
        var body = $$$"""{"model":"demo","messages":[{"role":"user","content":"time?"}],"tools":[{{{WeatherTool}}},{{{TimeTool}}}],"tool_choice":{"type":"function","function":{"name":"get_time"}},"temperature":1,"seed":2,"max_tokens":200,"stream":true,"stream_options":{"include_usage":true}}""";
        var (_, events) = await Sse.PostAsync(server.Http, "/v1/chat/completions", body);
        Assert.Equal("[DONE]", events[^1]);
        var choices = events[..^1].Select(Sse.Parse).Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0]).ToList();
        var deltas = choices.Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _)).Select(c => c.GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.NotEmpty(deltas);
        Assert.All(deltas, d => Assert.Equal(0, d.GetProperty("index").GetInt32()));
        Assert.Equal("function", deltas[0].GetProperty("type").GetString());
        Assert.StartsWith("call_", deltas[0].GetProperty("id").GetString());
        Assert.Equal("get_time", deltas[0].GetProperty("function").GetProperty("name").GetString());
        Assert.All(deltas.Skip(1), d => Assert.False(d.TryGetProperty("id", out _)));
        var arguments = string.Concat(deltas.Select(d => d.GetProperty("function").GetProperty("arguments").GetString()));
        using var parsed = JsonDocument.Parse(arguments);
        Assert.True(parsed.RootElement.GetProperty("utc").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.Equal("tool_calls", choices[^1].GetProperty("finish_reason").GetString());
    }

    // OpenAI and llama-server send the arguments' characters as they are: a client compares and shows the string.
    private const string DuckTool = """{"type":"function","function":{"name":"pick","parameters":{"type":"object","properties":{"c":{"enum":["'鸭😀<&>"]}},"required":["c"],"additionalProperties":false}}}""";

    [Fact]
    public async Task ToolCallArgumentsKeepNonAsciiAndQuotesUnescaped()
    {
        var body = $$$"""{"model":"demo","messages":[{"role":"user","content":"pick"}],"tools":[{{{DuckTool}}}],"tool_choice":"required","parallel_tool_calls":false,"temperature":1,"seed":3,"max_tokens":200}""";
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var arguments = Sse.Parse(text).GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString();
        Assert.Equal("""{"c":"'鸭😀<&>"}""", arguments);
    }

    [Fact]
    public async Task StreamedToolCallArgumentsKeepNonAsciiAndQuotesUnescaped()
    {
        var body = $$$"""{"model":"demo","messages":[{"role":"user","content":"pick"}],"tools":[{{{DuckTool}}}],"tool_choice":"required","parallel_tool_calls":false,"temperature":1,"seed":3,"max_tokens":200,"stream":true}""";
        var (_, events) = await Sse.PostAsync(server.Http, "/v1/chat/completions", body);
        var deltas = events[..^1].Select(Sse.Parse).Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta")).Where(d => d.TryGetProperty("tool_calls", out _)).ToList();
        Assert.NotEmpty(deltas);
        var arguments = string.Concat(deltas.Select(d => d.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("""{"c":"'鸭😀<&>"}""", arguments);
    }

    [Fact]
    public async Task ExtensionsAiFunctionInvocationAgainstTheServer()
    {
        var calls = 0;
        var weather = AIFunctionFactory.Create((bool metric) =>
        {
            calls++;
            return metric ? "20 C" : "68 F";
        }, "get_weather", "Weather here");
        using var client = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 })
            .GetChatClient("demo").AsIChatClient().AsBuilder().UseFunctionInvocation().Build();
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "weather?")],
            new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireAny, Temperature = 1, Seed = 9, MaxOutputTokens = 200 });
        Assert.True(calls > 0);
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().First();
        Assert.Equal("get_weather", call.Name);
        Assert.Null(call.Exception);
        Assert.Contains(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>(), r => r.CallId == call.CallId);
    }
}
