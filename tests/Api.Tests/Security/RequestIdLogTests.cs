using System.Net.Http.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>The real process's text log names each request by its id, not by the scope object's type name.</summary>
public sealed class RequestIdLogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-request-id-tests-").FullName;

    [Fact]
    public async Task TextLogLinesCarryTheRequestId()
    {
        using var server = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", Path.Combine(_folder, "data"));
        var address = await server.ListeningAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 600 && !(await http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);

        var ids = new[] { "budget-req-7f3a", "budget-req-91c2" };
        foreach (var id in ids)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat.Body(maxTokens: 1)) };
            request.Headers.Add("X-Request-Id", id);
            using var response = await http.SendAsync(request);
            Assert.Equal(id, response.Headers.GetValues("X-Request-Id").Single());
        }
        // The console logger writes on its own thread: wait for both request lines.
        for (var i = 0; i < 100 && !ids.All(id => server.Output.Contains("RequestId:" + id, StringComparison.Ordinal)); i++) await Task.Delay(100);

        var output = server.Output;
        foreach (var id in ids)
        {
            var lines = output.Split('\n').Where(l => l.Contains("RequestId:" + id, StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count > 0, $"no log line names request {id}:\n{output}");
        }
        Assert.DoesNotContain("KeyValuePair`2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("System.Collections.Generic", output, StringComparison.Ordinal);
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
