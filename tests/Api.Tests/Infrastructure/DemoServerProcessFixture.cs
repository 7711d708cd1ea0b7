using System.Net;
using Llm.Runtime.Models.Demo;

namespace Llm.Api.Tests.Infrastructure;

/// <summary>
/// The real <c>llm</c> executable serving the demo model as "demo" in its own process, shared by a test class, for
/// requests that could kill a process: a native crash here ends a process the tests watch, not the test host.
/// </summary>
public sealed class DemoServerProcessFixture : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-demo-process-").FullName;
    private ServerProcess? _server;

    /// <summary>Gets a client for the server.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Gets what the process wrote so far, for failure messages.</summary>
    public string Output => _server?.Output ?? "";

    public async Task InitializeAsync()
    {
        var model = DemoModel.EnsureBuilt(_folder);
        _server = ServerProcess.Start("--port", "0", "--ctx-size", "2048", "--parallel", "4", "--model", "demo=" + model, "--cache-dir", _folder, "--data-dir", Path.Combine(_folder, "data"));
        Http = new HttpClient { BaseAddress = await _server.ListeningAsync(Timeout), Timeout = Timeout };
        for (var i = 0; i < 600 && !(await Http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);
    }

    /// <summary>Asserts the process is still running and still answers a plain chat request.</summary>
    public async Task AssertAliveAsync()
    {
        Assert.False(_server!.HasExited, "The server process died:\n" + Tail(Output));
        using var ok = await Http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"demo","messages":[{"role":"user","content":"hi"}],"max_tokens":2}"""));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    public Task DisposeAsync()
    {
        Http?.Dispose();
        _server?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
