using System.ClientModel;
using System.Net;
using System.Text.Json;
using Llm.Api.Hosting;
using Llm.Api.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

#pragma warning disable SCME0001 // JsonPatch is how the OpenAI SDK sends fields it does not model.

namespace Llm.Api.Tests.EndToEnd;

/// <summary>Two private servers: one whose override template prints variables, with server defaults; one on llama.cpp's built-in chatml.</summary>
public sealed class TemplateKwargsServers : IAsyncLifetime
{
    // ChatML whose generation prompt is followed by the variables `mark` and `lead`: the demo model continues from the last letter.
    private const string Template = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{{ mark | default('') }}{{ lead | default('') }}{% endif %}";

    private readonly string _folder = Directory.CreateTempSubdirectory("llm-kwargs-tests-").FullName;

    internal OpsServer Printing { get; private set; } = null!;

    internal OpsServer BuiltIn { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var file = Path.Combine(_folder, "lead.jinja");
        await File.WriteAllTextAsync(file, Template);
        Printing = await OpsServer.StartAsync("--chat-template", file, "--chat-template-kwargs", """{"mark":"M","lead":"pq"}""");
        BuiltIn = await OpsServer.StartAsync("--chat-template", "chatml", "--chat-template-kwargs", """{"enable_thinking":false}""");
    }

    public async Task DisposeAsync()
    {
        await Printing.DisposeAsync();
        await BuiltIn.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class TemplateKwargsTests(TemplateKwargsServers servers) : IClassFixture<TemplateKwargsServers>
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, string path, string fields)
    {
        using var response = await http.PostAsync(path, Sse.Json($$"""{"model":"demo","temperature":0,"messages":[{"role":"user","content":"hi"}]{{fields}}}"""));
        return (response.StatusCode, Sse.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static async Task<string?> ReplyAsync(HttpClient http, string fields)
    {
        var (status, body) = await PostAsync(http, "/v1/chat/completions", fields);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
    }

    [Fact]
    public async Task ServerDefaultsReachTheTemplateAndRequestsOverrideThemKeyByKey()
    {
        // Defaults mark "M", lead "pq": the prompt ends "Mpq" and the demo model goes on from "q".
        Assert.Equal("rstuvwxyz.", await ReplyAsync(servers.Printing.Http, ""));
        Assert.Equal("xyz.", await ReplyAsync(servers.Printing.Http, ""","chat_template_kwargs":{"lead":"uvw"}"""));
        Assert.Equal("rstuvwxyz.", await ReplyAsync(servers.Printing.Http, ""","chat_template_kwargs":{}"""));

        var (_, prompt) = await PostAsync(servers.Printing.Http, "/apply-template", ""","chat_template_kwargs":{"lead":"uvw"}""");
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nMuvw", prompt.GetProperty("prompt").GetString());
        (_, prompt) = await PostAsync(servers.Printing.Http, "/apply-template", ""","chat_template_kwargs":{"mark":null,"lead":"X"}""");
        Assert.EndsWith("assistant\nNoneX", prompt.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task StreamingRendersWithTheRequestsKwargs()
    {
        var body = """{"model":"demo","temperature":0,"stream":true,"messages":[{"role":"user","content":"hi"}],"chat_template_kwargs":{"lead":"uvw"}}""";
        var (response, events) = await Sse.PostAsync(servers.Printing.Http, "/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = string.Concat(events[..^1].Select(Sse.Parse).Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out var p) && p.ValueKind == JsonValueKind.String).Select(d => d.GetProperty("content").GetString()));
        Assert.Equal("xyz.", text);
    }

    [Fact]
    public async Task TheOpenAiSdkSendsKwargsThroughItsJsonPatch()
    {
        var client = new ChatClient("demo", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(servers.Printing.BaseAddress, "/v1") });
        var options = new ChatCompletionOptions { Temperature = 0 };
        options.Patch.Set("$.chat_template_kwargs"u8, BinaryData.FromString("""{"lead":"uvw"}"""));
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hi")], options);
        Assert.Equal("xyz.", completion.Content[0].Text);
    }

    [Fact]
    public async Task ABuiltInFormatRefusesRequestKwargsButServesWithoutThem()
    {
        foreach (var path in new[] { "/v1/chat/completions", "/apply-template" })
        {
            var (status, body) = await PostAsync(servers.BuiltIn.Http, path, ""","chat_template_kwargs":{"enable_thinking":false}""");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            var error = body.GetProperty("error");
            Assert.Equal("chat_template_kwargs", error.GetProperty("param").GetString());
            Assert.Contains("llama.cpp's built-in formats", error.GetProperty("message").GetString());
        }
        // The server's default kwargs are not applied to it, and an empty object asks for nothing.
        Assert.Equal("abcdefghijklmnopqrstuvwxyz.", await ReplyAsync(servers.BuiltIn.Http, ""));
        Assert.Equal("abcdefghijklmnopqrstuvwxyz.", await ReplyAsync(servers.BuiltIn.Http, ""","chat_template_kwargs":{}"""));
        // A prefill works on a built-in format too.
        Assert.Equal("defghijklmnopqrstuvwxyz.", await ReplyAsync(servers.BuiltIn.Http, ""","continue_final_message":true,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"abc"}]"""));
    }

    [Theory]
    [InlineData("{oops", "'o' is an invalid")]
    [InlineData("[1]", "got a JSON array")]
    [InlineData("\"x\"", "got a JSON string")]
    [InlineData("""{"messages":[]}""", "'messages' cannot be given")]
    public void ABadDefaultFailsAtStartUpWithOneLine(string json, string detail)
    {
        var ex = Assert.Throws<ArgumentException>(() => LlmServer.Build(["--port", "0", "--chat-template-kwargs", json]));
        Assert.StartsWith("--chat-template-kwargs", ex.Message);
        Assert.Contains(detail, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal("""{"a":1}""", CommandLine.Parse(["--chat-template-kwargs", """{"a":1}"""])!["Llm:ChatTemplateKwargs"]);
    }
}
