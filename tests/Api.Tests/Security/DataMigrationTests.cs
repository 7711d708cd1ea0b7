using System.Security.Cryptography;
using System.Text.Json;
using Llm.Api.FineTuning;
using Llm.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Api.Tests.Security;

/// <summary>
/// A data directory in the layout before tenants (<c>files/</c>, <c>jobs/</c>, <c>adapters/</c> at its root) moves
/// into <c>tenants/default/</c> on first start: nothing accepted is lost, running it again changes nothing, an
/// interrupted move finishes, and a job queued when the old server stopped still runs.
/// </summary>
public sealed class DataMigrationTests : IDisposable
{
    private static readonly string[] Legacy = ["files", "jobs", "adapters"];
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-migrate-").FullName;

    [Fact]
    public async Task AnOldLayoutDirectoryMovesWholeAndItsQueuedJobStillRunsAfterTheMove()
    {
        var data = Path.Combine(_folder, "data");
        var (queued, succeeded, model, fileId, running) = await MakeOldLayoutAsync(data);
        var before = Snapshot(data);
        Assert.Contains(before.Keys, k => k.StartsWith("files/", StringComparison.Ordinal));
        Assert.Contains(before.Keys, k => k.StartsWith("adapters/", StringComparison.Ordinal));

        // The store alone (no job runner) moves the folders: every file arrives byte for byte, nothing else changes.
        var store = new FineTuningStore(data, NullLogger<FineTuningStore>.Instance);
        var after = Snapshot(data);
        Assert.Equal(before.ToDictionary(p => "tenants/default/" + p.Key, p => p.Value), after);
        Assert.All(Legacy, name => Assert.False(Directory.Exists(Path.Combine(data, name))));
        Assert.Equal("queued", store.GetJob(queued)!.Job.Status);
        Assert.Equal(store.ContentPath(fileId), Path.Combine(data, "tenants", "default", "files", fileId + ".data"));
        Assert.Equal(0, LegacyLayoutMigration.Run(data, Path.Combine(data, "tenants", "default"), NullLogger.Instance));
        Assert.Equal(after, Snapshot(data));

        // The server resumes the queued job, and what succeeded before still answers.
        await using var server = await OpsServer.StartAsync("--data-dir", data);
        var client = new FineTuningClient(server.Http);
        Assert.Equal("succeeded", (await client.WaitAsync(queued)).GetProperty("status").GetString());
        var interrupted = await client.WaitAsync(running);
        Assert.Equal("interrupted", interrupted.GetProperty("error").GetProperty("code").GetString());
        var (_, events) = await client.GetAsync($"/v1/fine_tuning/jobs/{queued}/events?limit=100");
        Assert.Contains(events.GetProperty("data").EnumerateArray(), e => e.GetProperty("message").GetString() == "Job resumed after a server restart.");
        Assert.Equal(2, (await client.PredictAsync(model, new[] { new[] { 0.5, 0.5 }, new[] { 0.5, -0.5 } })).GetArrayLength());
        Assert.Equal("succeeded", (await client.GetAsync($"/v1/fine_tuning/jobs/{succeeded}")).Body.GetProperty("status").GetString());
        Assert.Equal(Datasets.Xor(60, seed: 4), await server.Http.GetStringAsync($"/v1/files/{fileId}/content"));
    }

    [Fact]
    public async Task WithKeysTheMigratedDataBelongsToTenantDefaultSeenByAdminsOnly()
    {
        var data = Path.Combine(_folder, "data");
        var (queued, succeeded, model, fileId, _) = await MakeOldLayoutAsync(data);
        await using var server = await TenantCallers.StartServerAsync("--data-dir", data);
        await server.WaitHealthyAsync();
        var admin = TenantCallers.Client(server, Caller.Admin);
        Assert.Equal("succeeded", (await admin.WaitAsync(queued)).GetProperty("status").GetString());
        Assert.Equal(2, (await admin.PredictAsync(model, new[] { new[] { 0.5, 0.5 }, new[] { 0.5, -0.5 } })).GetArrayLength());
        foreach (var caller in new[] { Caller.Owner, Caller.OtherTenant })
        {
            var client = TenantCallers.Client(server, caller);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"/v1/fine_tuning/jobs/{succeeded}")).Status);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"/v1/files/{fileId}")).Status);
            Assert.Empty((await client.GetAsync("/v1/files")).Body.GetProperty("data").EnumerateArray());
        }
    }

    [Fact]
    public void AnInterruptedMoveFinishesWithoutOverwritingAnything()
    {
        var data = Path.Combine(_folder, "half");
        var tenant = Path.Combine(data, "tenants", "default");
        // As if a first run moved files/ and one job, then stopped; the legacy jobs/ also holds a record whose name is taken.
        Write(Path.Combine(tenant, "files", "file-a.json"), "A");
        Write(Path.Combine(tenant, "jobs", "ftjob-1.json"), "moved");
        Write(Path.Combine(data, "jobs", "ftjob-1.json"), "other copy");
        Write(Path.Combine(data, "jobs", "ftjob-2.json"), "J2");
        Write(Path.Combine(data, "jobs", "sub", "nested.json"), "N");
        Write(Path.Combine(data, "adapters", "ftjob-2.adapter"), "AD");
        var before = Snapshot(data);

        var log = new ListLogger();
        var moved = LegacyLayoutMigration.Run(data, tenant, log);

        Assert.Equal(3, moved);
        // The log says what happened: files/ was already gone, jobs/ moved two of three entries, adapters/ moved whole.
        var jobsLine = Assert.Single(log.Lines, l => l.Contains(Path.Combine(data, "jobs") + " to", StringComparison.Ordinal) && l.StartsWith("Moved", StringComparison.Ordinal));
        Assert.StartsWith($"Moved 2 entries of {Path.Combine(data, "jobs")} to {Path.Combine(tenant, "jobs")}; 1 entries stay in the old folder", jobsLine, StringComparison.Ordinal);
        Assert.Single(log.Lines, l => l.StartsWith($"Left {Path.Combine(data, "jobs", "ftjob-1.json")} in place", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.StartsWith($"Moved {Path.Combine(data, "adapters")} to {Path.Combine(tenant, "adapters")}", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains(Path.Combine(data, "files"), StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.StartsWith($"Moved {Path.Combine(data, "jobs")} to", StringComparison.Ordinal));
        Assert.Equal("moved", File.ReadAllText(Path.Combine(tenant, "jobs", "ftjob-1.json")));
        Assert.Equal("other copy", File.ReadAllText(Path.Combine(data, "jobs", "ftjob-1.json")));
        Assert.Equal("J2", File.ReadAllText(Path.Combine(tenant, "jobs", "ftjob-2.json")));
        Assert.Equal("N", File.ReadAllText(Path.Combine(tenant, "jobs", "sub", "nested.json")));
        Assert.Equal("AD", File.ReadAllText(Path.Combine(tenant, "adapters", "ftjob-2.adapter")));
        Assert.False(Directory.Exists(Path.Combine(data, "adapters")));
        // Nothing lost: every content from before is still somewhere.
        Assert.Equal(before.Values.Order(), Snapshot(data).Values.Order());
        var again = new ListLogger();
        Assert.Equal(0, LegacyLayoutMigration.Run(data, tenant, again));
        Assert.Contains(again.Lines, l => l.StartsWith($"Moved 0 entries of {Path.Combine(data, "jobs")}", StringComparison.Ordinal) && l.Contains("1 entries stay", StringComparison.Ordinal));
    }

    [Fact]
    public void AnInterruptedMoveWithoutConflictsSaysItMovedEveryEntryAndRemovedTheFolder()
    {
        var data = Path.Combine(_folder, "clean");
        var tenant = Path.Combine(data, "tenants", "default");
        Write(Path.Combine(tenant, "files", "file-a.json"), "A");
        Write(Path.Combine(data, "files", "file-b.json"), "B");
        Write(Path.Combine(data, "files", "file-c.json"), "C");
        var log = new ListLogger();
        Assert.Equal(2, LegacyLayoutMigration.Run(data, tenant, log));
        var line = Assert.Single(log.Lines);
        Assert.StartsWith($"Moved all 2 entries of {Path.Combine(data, "files")} to {Path.Combine(tenant, "files")} one by one and removed the empty folder", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data, "files")));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Lines.Add(formatter(state, exception));
    }

    [Fact]
    public void ANewDirectoryGetsOnlyTheTenantsFolder()
    {
        var data = Path.Combine(_folder, "fresh");
        _ = new FineTuningStore(data, NullLogger<FineTuningStore>.Instance);
        Assert.Equal(["tenants"], Directory.EnumerateFileSystemEntries(data).Select(Path.GetFileName));
    }

    // Runs today's server process to make real records, kills it with one job succeeded, one running and one queued,
    // then puts its folders where the server before tenants kept them (the record formats did not change).
    private async Task<(string Queued, string Succeeded, string Model, string FileId, string Running)> MakeOldLayoutAsync(string data)
    {
        string queued, succeeded, model, fileId, running;
        using (var process = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", data))
        {
            var http = new HttpClient { BaseAddress = await process.ListeningAsync(TimeSpan.FromSeconds(60)), Timeout = TimeSpan.FromSeconds(60) };
            for (var i = 0; i < 600 && !(await http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);
            var client = new FineTuningClient(http);
            var job = await client.TrainAsync("xor.jsonl", Datasets.Xor(60, seed: 4), new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 3 } } });
            succeeded = job.GetProperty("id").GetString()!;
            model = job.GetProperty("fine_tuned_model").GetString()!;
            fileId = job.GetProperty("training_file").GetString()!;
            var blobs = await client.UploadAsync("blobs.csv", Datasets.BlobsCsv(2000, 8));
            running = (await client.CreateJobAsync(new { training_file = blobs, method = new { type = "mlp", mlp = new { hyperparameters = new { n_epochs = 100000, batch_size = 1 } } } }))
                .GetProperty("id").GetString()!;
            await client.WaitAsync(running, "running");
            queued = (await client.CreateJobAsync(new { training_file = fileId, method = new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 2 } } } }))
                .GetProperty("id").GetString()!;
            await client.WaitAsync(queued, "queued");
        }
        var tenant = Path.Combine(data, "tenants", "default");
        foreach (var name in Legacy) Directory.Move(Path.Combine(tenant, name), Path.Combine(data, name));
        Directory.Delete(Path.Combine(data, "tenants"), recursive: true);
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "jobs", queued + ".json")));
        Assert.Equal("queued", record.RootElement.GetProperty("job").GetProperty("status").GetString());
        return (queued, succeeded, model, fileId, running);
    }

    private static Dictionary<string, string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
            p => Path.GetRelativePath(root, p).Replace('\\', '/'),
            p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))));

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
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
