using System.Globalization;
using System.Text;
using System.Text.Json;
using Llm.Api.FineTuning;
using Llm.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.FineTuning;

/// <summary>
/// Queued jobs hold no parsed rows, running jobs on one file share one parsed copy, cancelling frees it, and files
/// are parsed with bounded concurrency. Checked through the server's own <see cref="DatasetCache"/>.
/// </summary>
public sealed class DatasetSharingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static object LongJob(string file) =>
        new { training_file = file, method = new { type = "mlp", mlp = new { hyperparameters = new { n_epochs = 100000, batch_size = 1 } } } };

    private static object ShortJob(string file) =>
        new { training_file = file, method = new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 1 } } } };

    private static string Id(JsonElement job) => job.GetProperty("id").GetString()!;

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task QueuedJobsHoldNoRowsAndCancellingFreesWhatARunningJobHeld()
    {
        await using var server = await OpsServer.StartAsync("--max-concurrent-jobs", "1");
        var client = new FineTuningClient(server.Http);
        var cache = server.Services.GetRequiredService<DatasetCache>();
        var a = await client.UploadAsync("a.csv", Datasets.BlobsCsv(2000, 8));
        var b = await client.UploadAsync("b.csv", Datasets.BlobsCsv(3000, 8, seed: 5));

        var running = Id(await client.CreateJobAsync(LongJob(a)));
        await client.WaitAsync(running, "running");
        Assert.Equal(1, cache.References(a));

        var queued = new List<string>();
        for (var i = 0; i < 12; i++) queued.Add(Id(await client.CreateJobAsync(ShortJob(b))));
        for (var i = 0; i < 12; i++) queued.Add(Id(await client.CreateJobAsync(ShortJob(a))));
        foreach (var id in queued) Assert.Equal("queued", (await client.WaitAsync(id, "queued")).GetProperty("status").GetString());

        // Twenty-four queued jobs: no rows of b held at all, and a held once, by the running job.
        Assert.Equal(0, cache.References(b));
        Assert.Equal(1, cache.References(a));
        Assert.Equal(1, cache.Count);

        foreach (var id in queued) await client.PostAsync($"/v1/fine_tuning/jobs/{id}/cancel", new { });
        Assert.Equal(1, cache.Count);
        await client.PostAsync($"/v1/fine_tuning/jobs/{running}/cancel", new { });
        await EventuallyAsync(() => cache.Count == 0, "The cancelled job's rows are still held.");
        Assert.Equal(0, cache.References(a));
        foreach (var id in queued) Assert.Equal("cancelled", (await client.WaitAsync(id)).GetProperty("status").GetString());
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task JobsRunningOnOneFileShareOneParsedCopy()
    {
        await using var server = await OpsServer.StartAsync("--max-concurrent-jobs", "3");
        var client = new FineTuningClient(server.Http);
        var cache = server.Services.GetRequiredService<DatasetCache>();
        var file = await client.UploadAsync("a.csv", Datasets.BlobsCsv(2000, 8));

        var jobs = new List<string>();
        for (var i = 0; i < 3; i++) jobs.Add(Id(await client.CreateJobAsync(LongJob(file))));
        foreach (var id in jobs) await client.WaitAsync(id, "running");
        await EventuallyAsync(() => cache.References(file) == 3, $"Expected three leases, found {cache.References(file)}.");
        Assert.Equal(1, cache.Count);

        foreach (var id in jobs) await client.PostAsync($"/v1/fine_tuning/jobs/{id}/cancel", new { });
        await EventuallyAsync(() => cache.Count == 0, "Cancelled jobs still hold their rows.");
    }

    [Fact]
    public async Task FilesAreParsedOneAtATimeWhenTheLimitIsOne()
    {
        await using var server = await OpsServer.StartAsync("--max-concurrent-validations", "1", "--max-concurrent-jobs", "2");
        var client = new FineTuningClient(server.Http);
        var cache = server.Services.GetRequiredService<DatasetCache>();
        var gate = server.Services.GetRequiredService<DatasetParseGate>();
        var files = new List<string>();
        for (var i = 0; i < 6; i++) files.Add(await client.UploadAsync($"f{i}.csv", CompactCsv(40_000, 10, seed: i)));

        var created = await Task.WhenAll(files.Select(f => client.CreateJobAsync(ShortJob(f))));
        foreach (var job in created) Assert.Equal("succeeded", (await client.WaitAsync(Id(job))).GetProperty("status").GetString());

        Assert.True(gate.PeakWaiting > 0, "No parse ever waited, so this run did not test the bound.");
        Assert.Equal(1, cache.PeakParsing);
        Assert.Equal(0, cache.Count);
    }

    private static string CompactCsv(int rows, int features, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(string.Join(',', Enumerable.Range(0, features).Select(i => $"x{i}")) + ",label\n");
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < features; c++) text.Append((random.NextDouble() + (r % 2)).ToString("F2", CultureInfo.InvariantCulture)).Append(',');
            text.Append(r % 2 == 0 ? "low\n" : "high\n");
        }
        return text.ToString();
    }
}
