using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.FineTuning;

/// <summary>Files, jobs and adapters live in the data directory and survive a restart of the server process.</summary>
public sealed class PersistenceTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-ft-persist-").FullName;

    [Fact]
    public async Task AdapterTrainedBeforeARestartStillPredicts()
    {
        var data = Path.Combine(_folder, "data");
        string fileId, jobId, model;
        JsonElement before;
        using (var first = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", data))
        {
            var client = await ConnectAsync(first);
            var job = await client.TrainAsync("xor.jsonl", Datasets.Xor(200), new { type = "mlp", mlp = new { hyperparameters = new { n_epochs = 60, hidden_layers = new[] { 8 }, learning_rate = 0.05 } } });
            jobId = job.GetProperty("id").GetString()!;
            fileId = job.GetProperty("training_file").GetString()!;
            model = job.GetProperty("fine_tuned_model").GetString()!;
            before = await client.PredictAsync(model, new[] { new[] { 0.5, 0.5 }, new[] { 0.5, -0.5 } });
        }

        using var second = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", data);
        var again = await ConnectAsync(second);
        var (status, restored) = await again.GetAsync($"/v1/fine_tuning/jobs/{jobId}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("succeeded", restored.GetProperty("status").GetString());
        Assert.Equal(model, restored.GetProperty("fine_tuned_model").GetString());
        var (_, events) = await again.GetAsync($"/v1/fine_tuning/jobs/{jobId}/events?limit=100");
        Assert.Equal(60, events.GetProperty("data").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "metrics"));
        var (fileStatus, _) = await again.GetAsync($"/v1/files/{fileId}");
        Assert.Equal(HttpStatusCode.OK, fileStatus);

        var after = await again.PredictAsync(model, new[] { new[] { 0.5, 0.5 }, new[] { 0.5, -0.5 } });
        Assert.Equal(before.ToString(), after.ToString());
        Assert.Empty(Directory.EnumerateFiles(data, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AJobRunningWhenTheServerDiesIsMarkedInterruptedAndAQueuedOneRunsAgain()
    {
        var data = Path.Combine(_folder, "data2");
        string running, queued;
        using (var first = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", data))
        {
            var client = await ConnectAsync(first);
            var file = await client.UploadAsync("blobs.csv", Datasets.BlobsCsv(2000, 8));
            running = (await client.CreateJobAsync(new { training_file = file, method = new { type = "mlp", mlp = new { hyperparameters = new { n_epochs = 100000, batch_size = 1 } } } }))
                .GetProperty("id").GetString()!;
            await client.WaitAsync(running, "running");
            queued = (await client.CreateJobAsync(new { training_file = file, method = new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 2 } } } }))
                .GetProperty("id").GetString()!;
            await client.WaitAsync(queued, "queued");
        }

        using var second = ServerProcess.Start("--port", "0", "--cache-dir", _folder, "--data-dir", data);
        var again = await ConnectAsync(second);
        var interrupted = await again.WaitAsync(running);
        Assert.Equal("failed", interrupted.GetProperty("status").GetString());
        Assert.Equal("interrupted", interrupted.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("succeeded", (await again.WaitAsync(queued)).GetProperty("status").GetString());
    }

    private static async Task<FineTuningClient> ConnectAsync(ServerProcess server)
    {
        var http = new HttpClient { BaseAddress = await server.ListeningAsync(Timeout), Timeout = Timeout };
        for (var i = 0; i < 600 && !(await http.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(100);
        return new FineTuningClient(http);
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
