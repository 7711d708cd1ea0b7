using System.Net.Http.Json;
using System.Text.Json;

namespace Llm.Api.Tests.Families;

/// <summary>Each family model answers a chat completion over HTTP, its prompt rendered by the template it carries.</summary>
[Collection(FamilyServerCollection.Name)]
public sealed class FamilyChatTests(FamilyServerFixture server)
{
    /// <summary>The family's own turn markers, which only its template writes around a user message.</summary>
    public static TheoryData<string, string> Families => new()
    {
        { "llama3_1", "<|start_header_id|>user<|end_header_id|>\n\nhello there<|eot_id|>" },
        { "qwen3", "<|im_start|>user\nhello there<|im_end|>" },
        { "gemma3", "<start_of_turn>user\nhello there<end_of_turn>" },
        { "phi3", "<|user|>\nhello there<|end|>" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Answers_a_chat_completion_with_its_own_template(string model, string userTurn)
    {
        using var models = await server.Http.GetAsync("/v1/models");
        var listed = (await Json(models)).GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == model);
        Assert.Equal("model", listed.GetProperty("meta").GetProperty("chat_template").GetString());
        Assert.Equal(server.Model(model).Architecture, listed.GetProperty("meta").GetProperty("architecture").GetString());

        var messages = new[] { new { role = "user", content = "hello there" } };
        using var rendered = await server.Http.PostAsJsonAsync("/apply-template", new { model, messages });
        Assert.Contains(userTurn, (await Json(rendered)).GetProperty("prompt").GetString());

        using var response = await server.Http.PostAsJsonAsync("/v1/chat/completions", new { model, messages, temperature = 0, max_tokens = 6 });
        var body = await Json(response);
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.String, choice.GetProperty("message").GetProperty("content").ValueKind);
        var usage = body.GetProperty("usage");
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 1, 6);
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 4);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
