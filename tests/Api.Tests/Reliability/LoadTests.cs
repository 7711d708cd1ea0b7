using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Llm.Api.Tests.Reliability;

/// <summary>
/// 64 concurrent streaming clients with random early disconnects: only 200, 429 or 503, and afterwards no
/// sequence running or waiting and no KV cell in use. The default run lasts 3 s (plus the streams it started); the long one 60 s.
/// </summary>
public sealed class LoadTests(ITestOutputHelper output)
{
    [Fact]
    public Task SixtyFourStreamingClientsForThreeSeconds() => RunAsync(TimeSpan.FromSeconds(3));

    [LongFact]
    [Trait("Category", "Long")]
    public Task SixtyFourStreamingClientsForSixtySeconds() => RunAsync(TimeSpan.FromSeconds(60));

    private async Task RunAsync(TimeSpan duration)
    {
        // No prefix cache, so "KV usage back to zero" is exact (retained prefixes would legitimately keep cells).
        await using var server = await OpsServer.StartAsync("--parallel", "8", "--max-queue", "24", "--cache-slots", "0", "--rate-limit", "6000");
        var statuses = new ConcurrentDictionary<int, int>();
        var disconnects = 0;
        var completed = 0;
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, 64).Select(async id =>
        {
            var random = new Random(id);
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            while (clock.Elapsed < duration)
            {
                using var cancel = new CancellationTokenSource();
                var leaveEarly = random.NextDouble() < 0.3;
                var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
                {
                    Content = JsonContent.Create(Chat.Body(content: $"client {id}", stream: true, maxTokens: random.Next(8, 64), endless: true)),
                };
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if (!response.IsSuccessStatusCode)
                    {
                        await Task.Delay(random.Next(100, 400));
                        continue;
                    }
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
                    var stopAfter = leaveEarly ? random.Next(1, 10) : int.MaxValue;
                    var lines = 0;
                    while (await reader.ReadLineAsync(cancel.Token) is { } line)
                    {
                        if (line.Length > 0 && ++lines >= stopAfter)
                        {
                            Interlocked.Increment(ref disconnects);
                            await cancel.CancelAsync();
                            break;
                        }
                    }
                    if (!leaveEarly) Interlocked.Increment(ref completed);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                }
            }
        }).ToArray();
        await Task.WhenAll(clients);

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}, {completed} completed, {disconnects} early disconnects");
        Assert.All(statuses.Keys, status => Assert.Contains(status, new[] { 200, 429, 503 }));
        Assert.True(statuses.GetValueOrDefault(200) > 0 && completed > 0 && disconnects > 0);

        var registry = server.Services.GetRequiredService<ModelRegistry>();
        var deadline = Stopwatch.StartNew();
        Runtime.Inference.EngineMetrics metrics;
        do
        {
            await Task.Delay(100);
            metrics = registry.Get("demo").GetMetrics();
        }
        while ((metrics.ActiveSequences + metrics.WaitingSequences + metrics.KvCellsUsed + metrics.KvCellsReserved) > 0 && deadline.Elapsed < TimeSpan.FromSeconds(15));
        Assert.Equal(0, metrics.ActiveSequences);
        Assert.Equal(0, metrics.WaitingSequences);
        Assert.Equal(0, metrics.KvCellsUsed);
        Assert.Equal(0, metrics.KvCellsReserved);
        Assert.Equal(200, (int)(await Chat.PostAsync(server.Http, Chat.Body())).StatusCode);
    }
}
