using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.FineTuning;

/// <summary>
/// A job's events are capped (first events, a marker, the latest), page correctly with <c>after</c> and
/// <c>limit</c>, survive a restart, and a cursor whose event was dropped continues at the gap.
/// </summary>
public sealed class JobEventsHttpTests : IDisposable
{
    private const int Cap = 40;
    private readonly string _data = Directory.CreateTempSubdirectory("llm-ft-events-").FullName;

    private static async Task<List<JsonElement>> AllEventsAsync(FineTuningClient client, string job, int pageSize)
    {
        var events = new List<JsonElement>();
        string? after = null;
        while (true)
        {
            var (status, page) = await client.GetAsync($"/v1/fine_tuning/jobs/{job}/events?limit={pageSize}" + (after is null ? "" : $"&after={after}"));
            Assert.Equal(HttpStatusCode.OK, status);
            var data = page.GetProperty("data").EnumerateArray().ToList();
            events.AddRange(data);
            if (!page.GetProperty("has_more").GetBoolean()) return events;
            Assert.Equal(pageSize, data.Count);
            after = data[^1].GetProperty("id").GetString();
        }
    }

    private static bool IsMarker(JsonElement e) => e.GetProperty("level").GetString() == "warn" && e.GetProperty("message").GetString()!.Contains("dropped");

    private static int? Step(JsonElement e) => e.GetProperty("type").GetString() == "metrics" ? e.GetProperty("data").GetProperty("step").GetInt32() : null;

    [Fact]
    public async Task EventsAreCappedPageCorrectlyAndSurviveARestart()
    {
        string job;
        List<string> before;
        await using (var server = await OpsServer.StartAsync("--max-job-events", $"{Cap}", "--data-dir", _data))
        {
            var client = new FineTuningClient(server.Http);
            var done = await client.TrainAsync("xor.jsonl", Datasets.Xor(50), new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 300 } } });
            job = done.GetProperty("id").GetString()!;

            var (_, whole) = await client.GetAsync($"/v1/fine_tuning/jobs/{job}/events?limit=100");
            var events = whole.GetProperty("data").EnumerateArray().ToList();
            Assert.Equal(Cap, events.Count);
            Assert.False(whole.GetProperty("has_more").GetBoolean());
            Assert.StartsWith("Created fine-tuning job", events[^1].GetProperty("message").GetString());
            Assert.StartsWith("Training succeeded", events[0].GetProperty("message").GetString());
            Assert.Single(events, IsMarker);
            // Newest first: the kept tail of epochs is consecutive and ends at the last epoch.
            var tail = events.TakeWhile(e => !IsMarker(e)).Select(Step).OfType<int>().ToList();
            Assert.Equal(300, tail[0]);
            Assert.Equal(Enumerable.Range(300 - tail.Count + 1, tail.Count).Reverse(), tail);

            var paged = await AllEventsAsync(client, job, 7);
            Assert.Equal(events.Select(e => e.GetProperty("id").GetString()), paged.Select(e => e.GetProperty("id").GetString()));
            before = paged.Select(e => e.ToString()).ToList();
        }

        await using (var again = await OpsServer.StartAsync("--max-job-events", $"{Cap}", "--data-dir", _data))
        {
            var after = await AllEventsAsync(new FineTuningClient(again.Http), job, 9);
            Assert.Equal(before, after.Select(e => e.ToString()));
        }
    }

    [Fact]
    public async Task ACursorWhoseEventWasDroppedContinuesAtTheGap()
    {
        await using var server = await OpsServer.StartAsync("--max-job-events", $"{Cap}", "--data-dir", _data);
        var client = new FineTuningClient(server.Http);
        var file = await client.UploadAsync("blobs.csv", Datasets.BlobsCsv(300, 4));
        var job = (await client.CreateJobAsync(new { training_file = file, method = new { type = "mlp", mlp = new { hyperparameters = new { n_epochs = 100000, batch_size = 1 } } } }))
            .GetProperty("id").GetString()!;

        async Task<JsonElement> NewestAsync() => (await client.GetAsync($"/v1/fine_tuning/jobs/{job}/events?limit=1")).Body.GetProperty("data")[0];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement cursor;
        while (Step(cursor = await NewestAsync()) is not >= Cap)
        {
            Assert.True(DateTime.UtcNow < deadline, "The job did not reach enough epochs.");
            await Task.Delay(10);
        }
        while (Step(await NewestAsync()) < Step(cursor) + Cap)
        {
            Assert.True(DateTime.UtcNow < deadline, "The job did not go on training.");
            await Task.Delay(10);
        }

        var (status, page) = await client.GetAsync($"/v1/fine_tuning/jobs/{job}/events?limit=3&after={cursor.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(IsMarker(page.GetProperty("data")[0]), page.ToString());
        Assert.True(page.GetProperty("has_more").GetBoolean());
        var (bad, _) = await client.GetAsync($"/v1/fine_tuning/jobs/{job}/events?limit=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        await client.PostAsync($"/v1/fine_tuning/jobs/{job}/cancel", new { });
        await client.WaitAsync(job);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
