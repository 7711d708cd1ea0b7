using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Llm.Api.Tests.Families;

/// <summary>
/// Tool calls in each family's own syntax, with the markers arriving as single special tokens: Llama 3.1's
/// <c>&lt;|python_tag|&gt;</c> (a control token, which the server must write out to see it) before a JSON call, and
/// Qwen3's <c>&lt;tool_call&gt;</c> … <c>&lt;/tool_call&gt;</c> (user-defined tokens). The tool grammar makes the
/// random-weight model write a valid call; a logit bias makes it take the marker tokens rather than spell them.
/// </summary>
[Collection(FamilyServerCollection.Name)]
public sealed class FamilyToolCallTests(FamilyServerFixture server)
{
    private static readonly object[] s_tools =
    [
        new
        {
            type = "function",
            function = new
            {
                name = "get_weather",
                description = "Weather of a city.",
                // An enum, so the biased marker tokens cannot appear inside the arguments.
                parameters = new { type = "object", properties = new { city = new { type = "string", @enum = new[] { "Paris", "Rome" } } }, required = new[] { "city" } },
            },
        },
    ];

    public static TheoryData<string, string[]> Markers => new()
    {
        { "llama3_1", ["<|python_tag|>"] },
        { "qwen3", ["<tool_call>", "</tool_call>"] },
    };

    [Theory]
    [MemberData(nameof(Markers))]
    public async Task NativeToolCallsAreParsedWhenTheMarkersAreSingleTokens(string model, string[] markers)
    {
        var ids = new List<int>();
        foreach (var marker in markers) ids.Add(await server.SingleTokenAsync(model, marker));
        var bias = ids.ToDictionary(id => id.ToString(CultureInfo.InvariantCulture), _ => 100);

        var whole = await PostAsync(model, bias, stream: false);
        var choice = whole.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.True(message.GetProperty("content").ValueKind == JsonValueKind.Null, message.ToString());
        var call = message.GetProperty("tool_calls")[0];
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        var arguments = call.GetProperty("function").GetProperty("arguments").GetString()!;
        Assert.Contains(JsonDocument.Parse(arguments).RootElement.GetProperty("city").GetString(), new[] { "Paris", "Rome" });
        Assert.Equal(1, message.GetProperty("tool_calls").GetArrayLength());

        // The first generated token is the marker itself, one token: a control token shows as no text (Llama 3.1's
        // python tag), a user-defined one as its whole text (Qwen's <tool_call>).
        var first = choice.GetProperty("logprobs").GetProperty("content")[0];
        Assert.Equal(model == "llama3_1" ? string.Empty : markers[0], first.GetProperty("token").GetString());

        // Streamed: the same call, assembled from deltas, and no marker text ever reaches the content.
        var (content, name, streamedArguments, finish) = await StreamAsync(model, bias);
        Assert.Equal(string.Empty, content);
        Assert.Equal("get_weather", name);
        Assert.Equal(arguments, streamedArguments);
        Assert.Equal("tool_calls", finish);
    }

    [Fact]
    public async Task WithoutToolsTheLlamaPythonTagIsNotWritten()
    {
        var tag = await server.SingleTokenAsync("llama3_1", "<|python_tag|>");
        var body = new Dictionary<string, object?>
        {
            ["model"] = "llama3_1",
            ["messages"] = new[] { new { role = "user", content = "hi" } },
            ["max_tokens"] = 3,
            ["temperature"] = 0,
            ["logit_bias"] = new Dictionary<string, int> { [tag.ToString(CultureInfo.InvariantCulture)] = 100 },
        };
        using var response = await server.Http.PostAsJsonAsync("/v1/chat/completions", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var choice = json.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(string.Empty, choice.GetProperty("message").GetProperty("content").GetString());
    }

    private async Task<JsonElement> PostAsync(string model, Dictionary<string, int> bias, bool stream)
    {
        using var response = await server.Http.PostAsJsonAsync("/v1/chat/completions", Body(model, bias, stream));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<(string Content, string? Name, string Arguments, string? Finish)> StreamAsync(string model, Dictionary<string, int> bias)
    {
        using var response = await server.Http.PostAsJsonAsync("/v1/chat/completions", Body(model, bias, stream: true));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var content = new StringBuilder();
        var arguments = new StringBuilder();
        string? name = null, finish = null;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            var choices = JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("choices");
            if (choices.GetArrayLength() == 0) continue;
            var delta = choices[0].GetProperty("delta");
            if (delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String) content.Append(c.GetString());
            if (delta.TryGetProperty("tool_calls", out var calls))
            {
                foreach (var call in calls.EnumerateArray())
                {
                    var function = call.GetProperty("function");
                    if (function.TryGetProperty("name", out var n)) name = n.GetString();
                    if (function.TryGetProperty("arguments", out var a)) arguments.Append(a.GetString());
                }
            }
            if (choices[0].TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String) finish = f.GetString();
        }
        return (content.ToString(), name, arguments.ToString(), finish);
    }

    private static Dictionary<string, object?> Body(string model, Dictionary<string, int> bias, bool stream) => new()
    {
        ["model"] = model,
        ["messages"] = new[] { new { role = "user", content = "What is the weather in Paris?" } },
        ["tools"] = s_tools,
        ["tool_choice"] = "required",
        ["parallel_tool_calls"] = false,
        ["max_tokens"] = 80,
        ["temperature"] = 0,
        ["logit_bias"] = bias,
        ["logprobs"] = !stream,
        ["stream"] = stream,
    };
}
