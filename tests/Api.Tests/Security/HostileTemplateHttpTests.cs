using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;

namespace Llm.Api.Tests.Security;

/// <summary>
/// Hostile templates against the real executable, so a stack overflow would end a process this test watches:
/// the model's own template is hostile (start-up must fall back to llama.cpp's format), and clients send hostile
/// templates to <c>/apply-template</c> (400 <c>template_limit_exceeded</c> naming the limit, then a good request still works).
/// </summary>
public sealed class HostileTemplateHttpTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-hostile-template-").FullName;
    private ServerProcess? _server;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_folder, "hostile.gguf");
        // The issue's example inside the model: 10,000 nested parentheses after a ChatML loop llama.cpp recognises.
        var template = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{{ "
            + new string('(', 10_000) + "1" + new string(')', 10_000) + " }}";
        await File.WriteAllBytesAsync(path, DemoWithChatTemplate(template));
        // A second model whose template renders one message but loops without end on two.
        var overrun = Path.Combine(_folder, "overrun.gguf");
        await File.WriteAllBytesAsync(overrun, DemoWithChatTemplate(
            "{% if messages|length > 1 %}{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}{% endif %}"
            + "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"));
        _server = ServerProcess.Start("--port", "0", "--model", "demo=" + path, "--model", "overrun=" + overrun, "--cache-dir", _folder);
        _http = new HttpClient { BaseAddress = await _server.ListeningAsync(Timeout), Timeout = Timeout };
        for (var i = 0; i < 600 && !(await _http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);
    }

    public Task DisposeAsync()
    {
        _http?.Dispose();
        _server?.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_hostile_model_template_loads_with_the_llama_cpp_fallback_and_a_warning()
    {
        var (status, body) = await PostAsync(new { model = "demo", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", body.GetProperty("prompt").GetString());
        Assert.Contains("cannot be rendered by the Jinja engine", _server!.Output);
        Assert.Contains("nesting exceeds", _server.Output);
    }

    [Fact]
    public async Task A_model_template_that_overruns_its_budget_on_one_request_answers_that_request_400()
    {
        var two = new[] { new { role = "user", content = "a" }, new { role = "user", content = "b" } };
        var (status, body) = await PostAsync(new { model = "overrun", messages = two });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("template_limit_exceeded", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("messages", body.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains("steps", body.GetProperty("error").GetProperty("message").GetString());

        using var chat = await _http!.PostAsync("/v1/chat/completions", new StringContent(JsonSerializer.Serialize(new { model = "overrun", messages = two, max_tokens = 2 }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, chat.StatusCode);
        Assert.Equal("template_limit_exceeded", Sse.Parse(await chat.Content.ReadAsStringAsync()).GetProperty("error").GetProperty("code").GetString());

        using var one = await _http.PostAsync("/v1/chat/completions", new StringContent(JsonSerializer.Serialize(new { model = "overrun", messages = new[] { new { role = "user", content = "a" } }, max_tokens = 2 }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
    }

    public static TheoryData<string, string> ClientTemplates()
    {
        string R(string s, int n) => string.Concat(Enumerable.Repeat(s, n));
        return new TheoryData<string, string>
        {
            { "{{ " + R("(", 10_000) + "1" + R(")", 10_000) + " }}", "nesting exceeds" },
            { "{{ " + R("[", 100_000) + "1" + R("]", 100_000) + " }}", "nesting exceeds" },
            { R("{% if true %}", 100_000) + R("{% endif %}", 100_000), "nesting exceeds" },
            { "{{ x" + R(".a", 100_000) + " }}", "nesting exceeds" },
            { "{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}", "maximum recursion depth exceeded" },
            { "{% set l = [] %}{% do l.append(l) %}{{ l|tojson }}", "nests more than" },
            { "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", "steps" },
            { "{{ 'x' * 100000000 }}", "output exceeds" },
            { "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}", "output exceeds" },
        };
    }

    [Theory]
    [MemberData(nameof(ClientTemplates))]
    public async Task A_hostile_client_template_is_a_400_naming_the_limit_and_the_server_keeps_serving(string template, string limit)
    {
        var (status, body) = await PostAsync(new { model = "demo", messages = new[] { new { role = "user", content = "hi" } }, chat_template = template });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("error");
        Assert.Equal("template_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("chat_template", error.GetProperty("param").GetString());
        Assert.Contains(limit, error.GetProperty("message").GetString());

        var (next, _) = await PostAsync(new { model = "demo", messages = new[] { new { role = "user", content = "still there?" } }, chat_template = "{{ messages[0].content }}" });
        Assert.Equal(HttpStatusCode.OK, next);
        Assert.False(System.Diagnostics.Process.GetProcessById(_server!.Id).HasExited);
    }

    /// <summary>
    /// The demo model with its <c>tokenizer.chat_template</c> replaced in place. The string grows by a multiple of
    /// the file's 32-byte alignment (padded inside a Jinja comment), so the tensor data stays aligned.
    /// </summary>
    internal static byte[] DemoWithChatTemplate(string template)
    {
        using var original = new MemoryStream();
        DemoModel.Write(original);
        var bytes = original.ToArray();
        var key = System.Text.Encoding.UTF8.GetBytes("tokenizer.chat_template");
        var at = bytes.AsSpan().IndexOf(key) + key.Length + 4; // after the key and the value type
        var oldLength = (int)BitConverter.ToUInt64(bytes, at);
        var text = System.Text.Encoding.UTF8.GetBytes(template + "{#");
        var padding = (32 - (text.Length + 2 - oldLength) % 32 + 32) % 32;
        text = System.Text.Encoding.UTF8.GetBytes(template + "{#" + new string(' ', padding) + "#}");
        Assert.Equal(0, (text.Length - oldLength) % 32);
        using var result = new MemoryStream();
        result.Write(bytes, 0, at);
        result.Write(BitConverter.GetBytes((ulong)text.Length));
        result.Write(text);
        result.Write(bytes, at + 8 + oldLength, bytes.Length - at - 8 - oldLength);
        return result.ToArray();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(object request)
    {
        using var response = await _http!.PostAsync("/apply-template", new StringContent(JsonSerializer.Serialize(request), System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, Sse.Parse(await response.Content.ReadAsStringAsync()));
    }
}
