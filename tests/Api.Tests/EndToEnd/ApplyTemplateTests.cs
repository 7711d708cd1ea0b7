using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.EndToEnd;

[Collection(ServerCollection.Name)]
public sealed class ApplyTemplateTests(ServerFixture server)
{
    private static string SharedTemplates => Path.GetFullPath(Path.Combine(TestModels.RepositoryRoot, "..", "shared", "templates"));

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string body)
    {
        using var response = await server.Http.PostAsync("/apply-template", Sse.Json(body));
        return (response.StatusCode, Sse.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task RendersTheModelsTemplateWithoutGenerating()
    {
        var (status, body) = await PostAsync("""{"model":"demo","messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("<|im_start|>system\ns<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", body.GetProperty("prompt").GetString());

        (_, body) = await PostAsync("""{"model":"demo","messages":[{"role":"user","content":"hi"}],"add_generation_prompt":false}""");
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n", body.GetProperty("prompt").GetString());
    }

    [Theory]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja", "tools")]
    [InlineData("NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", "tool_round_trip")]
    [InlineData("google-gemma-2-2b-it.jinja", "no_system")]
    public async Task RequestTemplateMatchesTheGoldenRendering(string template, string caseName)
    {
        var cases = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(SharedTemplates, "cases.json")))!["cases"]!.AsArray();
        var golden = cases.Single(c => (string?)c!["template"] == template && (string?)c["case"] == caseName)!;
        var messages = golden["messages"]!.DeepClone().AsArray();
        foreach (var message in messages)
        {
            // OpenAI clients send tool-call arguments as JSON strings; the server parses them back.
            foreach (var call in message!["tool_calls"]?.AsArray() ?? [])
                call!["function"]!["arguments"] = call["function"]!["arguments"]!.ToJsonString();
        }
        var request = new JsonObject
        {
            ["model"] = "demo",
            ["messages"] = messages,
            ["tools"] = golden["tools"]?.DeepClone(),
            ["add_generation_prompt"] = golden["add_generation_prompt"]!.DeepClone(),
            ["chat_template"] = await File.ReadAllTextAsync(Path.Combine(SharedTemplates, template)),
            ["bos_token"] = golden["bos_token"]?.DeepClone() ?? "",
            ["eos_token"] = golden["eos_token"]?.DeepClone() ?? "",
        };
        var (status, body) = await PostAsync(request.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((string?)golden["expected"], body.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task TemplateRefusalIsA400WithTheTemplatesMessage()
    {
        var template = JsonSerializer.Serialize(await File.ReadAllTextAsync(Path.Combine(SharedTemplates, "mistralai-Mistral-Nemo-Instruct-2407.jinja")));
        var (status, body) = await PostAsync($$"""{"model":"demo","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}],"chat_template":{{template}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("chat_template_error", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task SyntaxErrorIsA400NamingLineAndColumn()
    {
        var (status, body) = await PostAsync("""{"model":"demo","messages":[{"role":"user","content":"a"}],"chat_template":"ok\n{% for x in %}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("line 2", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task ChatCompletionWithARefusingTemplateIsA400()
    {
        using var process = ServerProcess.Start("--port", "0", "--cache-dir", Path.Combine(Path.GetTempPath(), "llm-apply-" + Guid.NewGuid().ToString("N")),
            "--chat-template", Path.Combine(SharedTemplates, "mistralai-Mistral-Nemo-Instruct-2407.jinja"));
        using var http = new HttpClient { BaseAddress = await process.ListeningAsync(TimeSpan.FromSeconds(60)) };
        for (var i = 0; i < 600 && !(await http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);
        using var response = await http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"demo","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Sse.Parse(await response.Content.ReadAsStringAsync()).GetProperty("error");
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Contains("must alternate", error.GetProperty("message").GetString());
        var models = Sse.Parse(await http.GetStringAsync("/v1/models"));
        Assert.Equal("override", models.GetProperty("data")[0].GetProperty("meta").GetProperty("chat_template").GetString());
    }
}
