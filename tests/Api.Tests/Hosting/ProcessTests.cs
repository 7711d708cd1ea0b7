using System.Net.Http.Json;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;

namespace Llm.Api.Tests.Hosting;

/// <summary>The executable itself: start-up failures and what it logs.</summary>
public sealed class ProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-process-tests-").FullName;

    [Fact]
    public async Task MissingModelFileStopsStartUpWithOneLine()
    {
        using var server = ServerProcess.Start("--port", "0", "--model", "/no/such/model.gguf");
        Assert.Equal(1, await server.WaitForExitAsync(Timeout));
        var line = Assert.Single(server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("llm: Model file '/no/such/model.gguf' does not exist.", line.Trim());
    }

    [Fact]
    public async Task FileThatIsNotGgufStopsStartUp()
    {
        var path = Path.Combine(_folder, "notes.gguf");
        await File.WriteAllTextAsync(path, "this is not a model");
        using var server = ServerProcess.Start("--port", "0", "--model", path);
        Assert.Equal(1, await server.WaitForExitAsync(Timeout));
        Assert.Contains("is not a GGUF file", server.Output);
    }

    [Fact]
    public async Task TruncatedGgufIsRefusedBeforeStartUpWithOneLine()
    {
        var path = Path.Combine(_folder, "truncated.gguf");
        var whole = await File.ReadAllBytesAsync(DemoModel.EnsureBuilt(_folder));
        await File.WriteAllBytesAsync(path, whole[..(whole.Length / 2)]);
        using var server = ServerProcess.Start("--port", "0", "--model", "cut=" + path);
        Assert.Equal(1, await server.WaitForExitAsync(Timeout));
        var line = Assert.Single(server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"llm: Model file '{path}' is refused: tensor 'blk.0.", line.Trim(), StringComparison.Ordinal);
        Assert.EndsWith($"' ends past the end of the file ({whole.Length / 2} bytes); the file is truncated.", line.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFlagIsAUsageError()
    {
        using var server = ServerProcess.Start("--bogus", "1");
        Assert.Equal(2, await server.WaitForExitAsync(Timeout));
        Assert.Contains("Unknown option '--bogus'", server.Output);
    }

    [Fact]
    public async Task DefaultRunServesTheDemoModelAndLogsNoPromptOrCompletionText()
    {
        using var server = ServerProcess.Start("--port", "0", "--cache-dir", _folder);
        var address = await server.ListeningAsync(Timeout);
        using var http = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 600 && !(await http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);

        const string secret = "zebra-secret-4242";
        using var response = await http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = DemoModel.Name,
            messages = new[] { new { role = "user", content = secret } },
            temperature = 0,
        });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(DemoModel.ChatReply, body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.True(File.Exists(Path.Combine(_folder, DemoModel.FileName)));

        var log = server.Output;
        Assert.Contains("Loaded model demo", log);
        Assert.DoesNotContain(secret, log);
        Assert.DoesNotContain(DemoModel.ChatReply, log);
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
