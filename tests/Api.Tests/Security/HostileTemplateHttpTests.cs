using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Gguf;
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
        // The example inside the model: 10,000 nested parentheses after a ChatML loop llama.cpp recognises.
        var template = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{{ "
            + new string('(', 10_000) + "1" + new string(')', 10_000) + " }}";
        DemoModelBuilder.Create().Set("tokenizer.chat_template", GgufValue.String(template)).WriteFile(path);
        _server = ServerProcess.Start("--port", "0", "--model", "demo=" + path, "--cache-dir", _folder);
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

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(object request)
    {
        using var response = await _http!.PostAsync("/apply-template", new StringContent(JsonSerializer.Serialize(request), System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, Sse.Parse(await response.Content.ReadAsStringAsync()));
    }
}
