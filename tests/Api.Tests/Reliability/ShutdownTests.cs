using System.Net.Http.Json;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Reliability;

/// <summary>SIGTERM: running streams finish (or end with an error event after the drain timeout), jobs are marked interrupted, nothing accepted is lost.</summary>
public sealed class ShutdownTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-shutdown-tests-").FullName;

    [Fact]
    public async Task SigtermLetsARunningStreamFinishRefusesNewWorkAndExitsCleanly()
    {
        using var server = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", Path.Combine(_folder, "d1"), "--drain-timeout", "30", "--threads", "1");
        using var http = await ConnectAsync(server);
        using var response = await StartStreamAsync(http, maxTokens: 1500);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync();
        Assert.StartsWith("data: ", first);

        server.Terminate();
        await Task.Delay(300);
        var refused = await TryStatusAsync(http);
        Assert.True(refused is null or 503, $"a request during the drain got {refused}");

        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line) if (line.StartsWith("data: ", StringComparison.Ordinal)) lines.Add(line);
        Assert.Equal("data: [DONE]", lines[^1]);
        var finish = JsonDocument.Parse(lines[^2][6..]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString();
        Assert.Equal("length", finish); // all 1500 tokens were delivered
        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        Assert.Contains("Draining", server.Output);
    }

    [Fact]
    public async Task AStreamStillRunningAtTheDrainTimeoutEndsWithAnErrorEvent()
    {
        using var server = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", Path.Combine(_folder, "d2"), "--drain-timeout", "0",
            "--threads", "1", "--ctx-size", "8192");
        using var http = await ConnectAsync(server);
        using var response = await StartStreamAsync(http, maxTokens: 8000);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync());
        server.Terminate();

        string? last = null;
        try
        {
            while (await reader.ReadLineAsync() is { } line) if (line.StartsWith("data: ", StringComparison.Ordinal)) last = line;
        }
        catch (IOException ex)
        {
            var code = await server.WaitForExitAsync(Timeout);
            Assert.Fail($"the stream was reset ({ex.Message}), exit {code}; server log:\n{server.Output}");
        }
        Assert.NotNull(last);
        Assert.NotEqual("data: [DONE]", last);
        var error = JsonDocument.Parse(last[6..]).RootElement.GetProperty("error");
        Assert.Contains("shutting down", error.GetProperty("message").GetString());
        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task SigtermDuringFineTuningMarksTheJobInterruptedAndKeepsItsFiles()
    {
        var data = Path.Combine(_folder, "d3");
        var csv = Datasets.BlobsCsv(2000, 8);
        string running, file;
        using (var first = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", data))
        {
            var client = new FineTuningClient(await ConnectAsync(first));
            file = await client.UploadAsync("blobs.csv", csv);
            running = (await client.CreateJobAsync(new { training_file = file, method = new { type = "mlp", mlp = new { hyperparameters = new { n_epochs = 100000, batch_size = 1 } } } }))
                .GetProperty("id").GetString()!;
            await client.WaitAsync(running, "running");
            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(Timeout));
        }

        using var second = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", data);
        var http = await ConnectAsync(second);
        var again = new FineTuningClient(http);
        var job = await again.WaitAsync(running);
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal("interrupted", job.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(csv, await http.GetStringAsync($"/v1/files/{file}/content"));
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

    private static async Task<HttpResponseMessage> StartStreamAsync(HttpClient http, int maxTokens)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat.Body(stream: true, maxTokens: maxTokens, endless: true)) };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        return response;
    }

    private static async Task<int?> TryStatusAsync(HttpClient http)
    {
        try
        {
            using var fresh = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var response = await fresh.PostAsJsonAsync("/v1/chat/completions", Chat.Body());
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<HttpClient> ConnectAsync(ServerProcess server)
    {
        var http = new HttpClient { BaseAddress = await server.ListeningAsync(Timeout), Timeout = Timeout };
        for (var i = 0; i < 600 && !(await http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);
        return http;
    }
}
