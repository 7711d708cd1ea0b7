using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.FineTuning;

/// <summary>Upload, train through a job, poll, predict: numeric classification, regression and text adapters.</summary>
[Collection(ServerCollection.Name)]
public sealed class TrainAndPredictTests(ServerFixture server)
{
    private readonly FineTuningClient _client = new(server.Http);

    [Fact]
    public async Task MlpLearnsXorAndLogisticRegressionCannot()
    {
        var data = Datasets.Xor(400);
        var mlp = await _client.TrainAsync("xor.jsonl", data, new
        {
            type = "mlp",
            mlp = new { hyperparameters = new { n_epochs = 150, hidden_layers = new[] { 8 }, activation = "tanh", learning_rate = 0.05 } },
        }, suffix: "xor");
        var logistic = await _client.TrainAsync("xor.jsonl", data, new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 50 } } });

        var name = mlp.GetProperty("fine_tuned_model").GetString()!;
        Assert.StartsWith("ft:mlp:xor:", name);
        Assert.Equal(JsonValueKind.Null, mlp.GetProperty("error").ValueKind);
        Assert.True(mlp.GetProperty("finished_at").GetInt64() >= mlp.GetProperty("created_at").GetInt64());
        Assert.Equal([8], mlp.GetProperty("method").GetProperty("mlp").GetProperty("hyperparameters").GetProperty("hidden_layers").EnumerateArray().Select(e => e.GetInt32()));
        double[][] points = [[0.5, 0.5], [-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5]];
        string[] expected = ["same", "same", "different", "different"];

        var predictions = await _client.PredictAsync(name, points);
        Assert.Equal(expected, predictions.EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        var first = predictions[0];
        Assert.Equal(0, first.GetProperty("index").GetInt32());
        Assert.True(first.GetProperty("probabilities").GetProperty("same").GetSingle() > 0.9f);
        Assert.False(first.TryGetProperty("value", out _));

        var linear = await _client.PredictAsync(logistic.GetProperty("fine_tuned_model").GetString()!, points);
        var correct = linear.EnumerateArray().Zip(expected).Count(p => p.First.GetProperty("label").GetString() == p.Second);
        Assert.True(correct < 4, "a linear model cannot separate XOR");
        Assert.True(logistic.GetProperty("metrics").GetProperty("train_accuracy").GetDouble() < 0.75);
    }

    [Fact]
    public async Task LinearRegressionFromCsvPredictsValues()
    {
        var rows = Datasets.Line(300).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => $"{r.GetProperty("features")[0].GetDouble()},{r.GetProperty("features")[1].GetDouble()},{r.GetProperty("target").GetDouble()}");
        var csv = "a,b,target\n" + string.Join('\n', rows);
        var job = await _client.TrainAsync("line.csv", csv, new { type = "linear", linear = new { hyperparameters = new { n_epochs = 200, learning_rate = 0.05 } } });

        var data = await _client.PredictAsync(job.GetProperty("fine_tuned_model").GetString()!, new[] { new[] { 1.0, 1.0 }, new[] { 0.0, -1.0 } });
        Assert.Equal(0.0, data[0].GetProperty("value").GetDouble(), 0.05);
        Assert.Equal(4.0, data[1].GetProperty("value").GetDouble(), 0.05);
        Assert.False(data[0].TryGetProperty("label", out _));
    }

    [Fact]
    public async Task TextAdapterOnTheDemoModelTellsEnglishFromSymbols()
    {
        var job = await _client.TrainAsync("text.jsonl", Datasets.Text(160, seed: 5), new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 30 } } },
            model: "demo", suffix: "lang");
        var name = job.GetProperty("fine_tuned_model").GetString()!;
        Assert.StartsWith("ft:demo:lang:", name);

        var random = new Random(99);
        var test = Enumerable.Range(0, 100).Select(_ => Datasets.TextSample(random)).ToArray();
        var predictions = await _client.PredictAsync(name, test.Select(t => t.Text).ToArray());
        var correct = predictions.EnumerateArray().Zip(test).Count(p => p.First.GetProperty("label").GetString() == p.Second.Label);
        Assert.True(correct >= 95, $"{correct}/100 held-out texts classified correctly");

        var (status, body) = await _client.PostAsync("/v1/predictions", new { model = name, input = new[] { new[] { 1.0 } } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("input[0]", body.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task EventsListPerEpochMetricsNewestFirstWithPagination()
    {
        var file = await _client.UploadAsync("blobs.csv", Datasets.BlobsCsv(80, 3));
        var validation = await _client.UploadAsync("blobs-valid.csv", Datasets.BlobsCsv(40, 3, seed: 7));
        var job = await _client.CreateJobAsync(new
        {
            training_file = file, validation_file = validation, seed = 1,
            method = new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 6, batch_size = "auto" } } },
        });
        Assert.Equal("validating_files", job.GetProperty("status").GetString());
        var id = job.GetProperty("id").GetString()!;
        await _client.WaitAsync(id);

        var (_, all) = await _client.GetAsync($"/v1/fine_tuning/jobs/{id}/events?limit=100");
        var events = all.GetProperty("data").EnumerateArray().ToArray();
        Assert.False(all.GetProperty("has_more").GetBoolean());
        var metrics = events.Where(e => e.GetProperty("type").GetString() == "metrics").ToArray();
        Assert.Equal([6, 5, 4, 3, 2, 1], metrics.Select(e => e.GetProperty("data").GetProperty("step").GetInt32()));
        Assert.All(metrics, e =>
        {
            Assert.Equal("fine_tuning.job.event", e.GetProperty("object").GetString());
            Assert.True(e.GetProperty("data").GetProperty("valid_loss").GetDouble() > 0);
            Assert.InRange(e.GetProperty("data").GetProperty("valid_accuracy").GetDouble(), 0, 1);
        });
        Assert.Contains("succeeded", events[0].GetProperty("message").GetString());
        Assert.StartsWith("Created", events[^1].GetProperty("message").GetString());

        var (_, page1) = await _client.GetAsync($"/v1/fine_tuning/jobs/{id}/events?limit=4");
        Assert.True(page1.GetProperty("has_more").GetBoolean());
        var last = page1.GetProperty("data")[3].GetProperty("id").GetString();
        var (_, page2) = await _client.GetAsync($"/v1/fine_tuning/jobs/{id}/events?limit=100&after={last}");
        Assert.Equal(events.Skip(4).Select(e => e.GetProperty("id").GetString()), page2.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
    }
}
