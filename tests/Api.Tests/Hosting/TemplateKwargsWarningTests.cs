using System.Net.Http.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Hosting;

/// <summary>
/// <c>--chat-template-kwargs</c> on a model whose template is a llama.cpp built-in (which reads no variables) is not
/// silently dropped: the real process's log warns once, at load, naming the model, the variables and why.
/// </summary>
public sealed class TemplateKwargsWarningTests : IDisposable
{
    private const string Warning = "ignores the server's template variables";

    private readonly string _folder = Directory.CreateTempSubdirectory("llm-kwargs-warning-tests-").FullName;

    [Fact]
    public async Task BuiltInTemplateWithServerKwargsWarnsOnceAtLoad()
    {
        using var server = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", Path.Combine(_folder, "data"),
            "--model", "chat=demo", "--chat-template", "chatml", "--chat-template-kwargs", """{"enable_thinking":false}""");
        var address = await server.ListeningAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 600 && !(await http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);
        using (var response = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "chat", messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 1 }))
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        // The console logger writes on its own thread.
        for (var i = 0; i < 100 && !server.Output.Contains(Warning, StringComparison.Ordinal); i++) await Task.Delay(100);

        var lines = server.Output.Split('\n').Where(l => l.Contains(Warning, StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.Contains("Model chat ", line, StringComparison.Ordinal);
        Assert.Contains("enable_thinking", line, StringComparison.Ordinal);
        Assert.Contains("built-in formats", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JinjaTemplateWithServerKwargsDoesNotWarn()
    {
        using var server = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", Path.Combine(_folder, "data"),
            "--chat-template-kwargs", """{"enable_thinking":false}""");
        var address = await server.ListeningAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 600 && !(await http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);
        for (var i = 0; i < 100 && !server.Output.Contains("Loaded model", StringComparison.Ordinal); i++) await Task.Delay(100);

        Assert.Contains("Loaded model", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Warning, server.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
