using System.Diagnostics;
using System.Net.Http.Json;
using Llm.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Llm.Api.Tests.Reliability;

/// <summary>
/// 5,000 requests against the real process: its resident memory may grow less than 5 % between request 500 (after
/// warm-up) and request 5,000. The default run does 600 requests and checks only that the server keeps answering.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-soak-").FullName;

    [Fact]
    public Task SixHundredMixedRequestsAllSucceed() => RunAsync(600, checkMemory: false);

    [LongFact]
    [Trait("Category", "Long")]
    public Task FiveThousandRequestsGrowResidentMemoryLessThanFivePercent() => RunAsync(5000, checkMemory: true);

    private async Task RunAsync(int total, bool checkMemory)
    {
        using var server = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", Path.Combine(_folder, "data"), "--parallel", "4");
        using var http = new HttpClient { BaseAddress = await server.ListeningAsync(TimeSpan.FromSeconds(60)), Timeout = TimeSpan.FromSeconds(60) };
        for (var i = 0; i < 600 && !(await http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);

        long rssAt500 = 0;
        var sent = 0;
        var failures = 0;
        var workers = Enumerable.Range(0, 4).Select(async worker =>
        {
            while (true)
            {
                var n = Interlocked.Increment(ref sent);
                if (n > total) return;
                using var response = (n % 4) switch
                {
                    0 => await http.PostAsJsonAsync("/v1/embeddings", new { model = "demo", input = $"text {n}" }),
                    1 => await http.PostAsJsonAsync("/tokenize", new { model = "demo", content = $"text {n}" }),
                    _ => await Chat.PostAsync(http, Chat.Body(content: $"request {n % 50}", stream: n % 3 == 0, maxTokens: 16)),
                };
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
                await response.Content.ReadAsByteArrayAsync();
                if (n == 500) rssAt500 = Rss(server.Id);
            }
        });
        await Task.WhenAll(workers);
        var rssAtEnd = Rss(server.Id);
        var growth = rssAt500 == 0 ? 0 : (double)(rssAtEnd - rssAt500) / rssAt500;
        output.WriteLine($"{total} requests, {failures} failed; RSS at 500: {rssAt500 / 1048576.0:F1} MiB, at {total}: {rssAtEnd / 1048576.0:F1} MiB ({growth:P2})");
        Assert.Equal(0, failures);
        if (checkMemory) Assert.True(growth < 0.05, $"RSS grew {growth:P2} between request 500 and {total}");
    }

    private static long Rss(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Refresh();
        return process.WorkingSet64;
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
