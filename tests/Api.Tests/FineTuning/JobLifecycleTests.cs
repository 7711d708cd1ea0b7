using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.FineTuning;

/// <summary>Cancelling, failing jobs, list pagination and the file routes.</summary>
[Collection(ServerCollection.Name)]
public sealed class JobLifecycleTests(ServerFixture server)
{
    private readonly FineTuningClient _client = new(server.Http);

    [Fact]
    public async Task CancellingARunningJobStopsItAndFreesTheWorker()
    {
        var file = await _client.UploadAsync("blobs.csv", Datasets.BlobsCsv(2000, 8));
        var job = await _client.CreateJobAsync(new { training_file = file, method = new { type = "mlp", mlp = new { hyperparameters = new { n_epochs = 100000, batch_size = 1 } } } });
        var id = job.GetProperty("id").GetString()!;
        await _client.WaitAsync(id, "running");

        var (status, cancelled) = await _client.PostAsync($"/v1/fine_tuning/jobs/{id}/cancel", new { });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, cancelled.GetProperty("fine_tuned_model").ValueKind);

        // With one worker, the next job can only finish if the cancelled one really stopped.
        var next = await _client.TrainAsync("blobs.csv", Datasets.BlobsCsv(40, 2), new { type = "logistic" });
        Assert.Equal("succeeded", next.GetProperty("status").GetString());
        Assert.Equal("cancelled", (await _client.WaitAsync(id)).GetProperty("status").GetString());

        var (again, error) = await _client.PostAsync($"/v1/fine_tuning/jobs/{id}/cancel", new { });
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Equal("job_already_finished", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ADivergingJobFailsWithAnErrorObjectAndTheServerGoesOn()
    {
        var file = await _client.UploadAsync("line.jsonl", Datasets.Line(200));
        var job = await _client.CreateJobAsync(new
        {
            training_file = file,
            method = new { type = "linear", linear = new { hyperparameters = new { optimizer = "sgd", learning_rate = 100, n_epochs = 50 } } },
        });
        var failed = await _client.WaitAsync(job.GetProperty("id").GetString()!);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        var error = failed.GetProperty("error");
        Assert.Equal("training_failed", error.GetProperty("code").GetString());
        Assert.Contains("diverged", error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("fine_tuned_model").ValueKind);

        var good = await _client.TrainAsync("line.jsonl", Datasets.Line(50), new { type = "linear" });
        Assert.Equal("succeeded", good.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AValidationFileWithUnknownLabelsFailsTheJobAtValidation()
    {
        var train = await _client.UploadAsync("a.csv", "x,label\n1,a\n2,b\n3,a\n4,b\n");
        var valid = await _client.UploadAsync("b.csv", "x,label\n1,a\n2,c\n");
        var job = await _client.CreateJobAsync(new { training_file = train, validation_file = valid });
        var failed = await _client.WaitAsync(job.GetProperty("id").GetString()!);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("label 'c'", failed.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task JobListIsNewestFirstWithCursorPagination()
    {
        var file = await _client.UploadAsync("blobs.csv", Datasets.BlobsCsv(20, 2));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await _client.CreateJobAsync(new { training_file = file, suffix = $"page{i}" })).GetProperty("id").GetString()!);
        ids.Reverse();

        var (_, first) = await _client.GetAsync("/v1/fine_tuning/jobs?limit=2");
        Assert.Equal("list", first.GetProperty("object").GetString());
        Assert.True(first.GetProperty("has_more").GetBoolean());
        Assert.Equal(ids[..2], first.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("id").GetString()!));
        var (_, second) = await _client.GetAsync($"/v1/fine_tuning/jobs?limit=1&after={ids[1]}");
        Assert.Equal(ids[2], second.GetProperty("data")[0].GetProperty("id").GetString());

        var (badCursor, _) = await _client.GetAsync("/v1/fine_tuning/jobs?after=ftjob-nope");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor);
        var (badLimit, error) = await _client.GetAsync("/v1/fine_tuning/jobs?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit);
        Assert.Equal("limit", error.GetProperty("error").GetProperty("param").GetString());
        foreach (var id in ids) await _client.WaitAsync(id);
    }

    [Fact]
    public async Task FilesCanBeListedReadAndDeleted()
    {
        const string content = "x,label\n1,a\n2,b\n";
        var (status, file) = await _client.TryUploadAsync("tiny.csv", content);
        Assert.Equal(HttpStatusCode.OK, status);
        var id = file.GetProperty("id").GetString()!;
        Assert.StartsWith("file-", id);
        Assert.Equal("file", file.GetProperty("object").GetString());
        Assert.Equal(content.Length, file.GetProperty("bytes").GetInt32());
        Assert.Equal("tiny.csv", file.GetProperty("filename").GetString());
        Assert.Equal("fine-tune", file.GetProperty("purpose").GetString());
        Assert.Equal("processed", file.GetProperty("status").GetString());

        var (_, list) = await _client.GetAsync("/v1/files");
        Assert.Contains(list.GetProperty("data").EnumerateArray(), f => f.GetProperty("id").GetString() == id);
        Assert.Equal(content, await server.Http.GetStringAsync($"/v1/files/{id}/content"));
        var (_, got) = await _client.GetAsync($"/v1/files/{id}");
        Assert.Equal(file.ToString(), got.ToString());

        using var deleted = await server.Http.DeleteAsync($"/v1/files/{id}");
        var body = JsonDocument.Parse(await deleted.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("deleted").GetBoolean());
        var (gone, _) = await _client.GetAsync($"/v1/files/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone);
        using var again = await server.Http.DeleteAsync($"/v1/files/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }
}
