using System.Net.Http.Json;
using System.Text.Json;

namespace Llm.Api.Tests.Families;

/// <summary>
/// Tools reach family models whose template has no tool section (the phi3 model's template prints only user and assistant turns, Gemma 3 refuses any
/// role but user and model after a first system message): the tool list is in the prompt, tool results come back as
/// user turns, and a Gemma 3 tool round trip is answered. Templates with their own tool section are not touched.
/// </summary>
[Collection(FamilyServerCollection.Name)]
public sealed class FamilyToolPolyfillTests(FamilyServerFixture server)
{
    private static readonly object[] s_tools =
    [
        new { type = "function", function = new { name = "get_time", description = "Time in 'a city' <local>.", parameters = new { type = "object" } } },
    ];

    private static readonly object[] s_roundTrip =
    [
        new { role = "user", content = "time?" },
        new
        {
            role = "assistant",
            content = (string?)null,
            tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = "get_time", arguments = "{}" } } },
        },
        new { role = "tool", tool_call_id = "call_1", content = "twelve o'clock" },
    ];

    [Fact]
    public async Task Phi3SeesTheToolListAndTheToolResult()
    {
        var listed = await PromptAsync(new { model = "phi3", messages = new[] { new { role = "user", content = "time?" } }, tools = s_tools });
        Assert.Contains("<tools>\n{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"description\":\"Time in 'a city' <local>.\"", listed);
        // Its template prints no system turn: the tool instructions open the first user turn.
        Assert.Contains("<|user|>\nYou can call functions", listed);
        Assert.EndsWith("</tools>\n\ntime?<|end|>\n<|assistant|>\n", listed);

        var answered = await PromptAsync(new { model = "phi3", messages = s_roundTrip, tools = s_tools });
        Assert.Contains("\"name\":\"get_time\"", answered);
        Assert.EndsWith("</tool_call><|end|>\n<|user|>\n<tool_response>\ntwelve o'clock\n</tool_response><|end|>\n<|assistant|>\n", answered);
    }

    [Fact]
    public async Task Gemma3AnswersAToolRoundTripWithTheResultInItsPrompt()
    {
        var prompt = await PromptAsync(new { model = "gemma3", messages = s_roundTrip, tools = s_tools });
        Assert.StartsWith("<bos><start_of_turn>user\nYou can call functions", prompt);
        Assert.EndsWith("<start_of_turn>user\n<tool_response>\ntwelve o'clock\n</tool_response><end_of_turn>\n<start_of_turn>model\n", prompt);

        using var response = await server.Http.PostAsJsonAsync("/v1/chat/completions",
            new { model = "gemma3", messages = s_roundTrip, tools = s_tools, temperature = 0, max_tokens = 2 });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("assistant", JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("qwen3", "<|im_start|>user\n<tool_response>\ntwelve o'clock\n</tool_response><|im_end|>\n")]
    [InlineData("llama3_1", "<|start_header_id|>ipython<|end_header_id|>\n\n\"twelve o'clock\"<|eot_id|>")]
    public async Task TemplatesWithAToolSectionRenderToolsThemselves(string model, string toolTurn)
    {
        var prompt = await PromptAsync(new { model, messages = s_roundTrip, tools = s_tools });
        Assert.DoesNotContain("You can call functions", prompt);
        Assert.Contains(toolTurn, prompt);
    }

    private async Task<string> PromptAsync(object body)
    {
        using var response = await server.Http.PostAsJsonAsync("/apply-template", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("prompt").GetString()!;
    }
}
