using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.FineTuning;

/// <summary>
/// A job's parameter count and estimated memory are checked at creation over real HTTP: 400 naming the
/// hyper-parameter to change, while a job just under the limit trains.
/// </summary>
public sealed class JobLimitsHttpTests : IAsyncLifetime
{
    private OpsServer _server = null!;
    private FineTuningClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await OpsServer.StartAsync("--max-adapter-parameters", "20000", "--max-job-memory-mb", "16");
        _client = new FineTuningClient(_server.Http);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static object Mlp(string file, int hidden, int batch = 32, int epochs = 1) =>
        new { training_file = file, method = new { type = "mlp", mlp = new { hyperparameters = new { n_epochs = epochs, batch_size = batch, hidden_layers = new[] { hidden } } } } };

    private async Task<JsonElement> RefusedAsync(object request, string param, string code)
    {
        var (status, body) = await _client.PostAsync("/v1/fine_tuning/jobs", request);
        Assert.True(status == HttpStatusCode.BadRequest, body.ToString());
        var error = body.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        return error;
    }

    [Fact]
    public async Task AJobJustUnderTheParameterLimitTrainsAndOneOverIsRefused()
    {
        // 10 features, one sigmoid output: 12h + 1 parameters; the limit is 20,000.
        var file = await _client.UploadAsync("blobs.csv", Datasets.BlobsCsv(200, 10));
        var error = await RefusedAsync(Mlp(file, 1667), "method.mlp.hyperparameters.hidden_layers", "too_many_parameters");
        Assert.Contains("20,005", error.GetProperty("message").GetString());
        await RefusedAsync(new { training_file = file, method = new { type = "mlp" }, hyperparameters = new { hidden_layers = new[] { 1667 } } },
            "hyperparameters.hidden_layers", "too_many_parameters");

        var job = await _client.CreateJobAsync(Mlp(file, 1666));
        var done = await _client.WaitAsync(job.GetProperty("id").GetString()!);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var (_, list) = await _client.GetAsync("/v1/fine_tuning/jobs?limit=100");
        Assert.Single(list.GetProperty("data").EnumerateArray(), j => j.GetProperty("training_file").GetString() == file);
    }

    [Fact]
    public async Task WideRowsOrManyClassesOverTheLimitNameTheTrainingFile()
    {
        // 20,000 features and a bias: 20,001 parameters for logistic regression.
        var wide = new StringBuilder(string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"f{i}")) + ",label\n");
        for (var r = 0; r < 4; r++) wide.Append(string.Join(',', Enumerable.Repeat(r.ToString(CultureInfo.InvariantCulture), 20_000))).Append(r % 2 == 0 ? ",a\n" : ",b\n");
        var wideFile = await _client.UploadAsync("wide.csv", wide.ToString());
        await RefusedAsync(new { training_file = wideFile, method = new { type = "logistic" } }, "training_file", "too_many_parameters");

        // 10,001 labels of one feature: (1 + 1) * 10,001 softmax parameters.
        var labels = new StringBuilder("x,label\n");
        for (var r = 0; r <= 10_000; r++) labels.Append(r.ToString(CultureInfo.InvariantCulture)).Append(",c").Append(r.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var labelsFile = await _client.UploadAsync("labels.csv", labels.ToString());
        await RefusedAsync(new { training_file = labelsFile }, "training_file", "too_many_parameters");
    }

    [Fact]
    public async Task TheMemoryLimitNamesTheBatchSizeOrTheTrainingFile()
    {
        // Mini-batches of 2,000 rows through 4,096 units need about 100 MiB; of 32 rows, under 2 MiB.
        var file = await _client.UploadAsync("blobs.csv", Datasets.BlobsCsv(2000, 2));
        var error = await RefusedAsync(Mlp(file, 4096, batch: 2000), "method.mlp.hyperparameters.batch_size", "job_memory_exceeded");
        Assert.Contains("16 MiB", error.GetProperty("message").GetString());
        var job = await _client.CreateJobAsync(Mlp(file, 4096, batch: 32));
        Assert.Equal("succeeded", (await _client.WaitAsync(job.GetProperty("id").GetString()!)).GetProperty("status").GetString());

        // 150,000 rows of 10 features: parsing alone needs more than 16 MiB, whatever the model.
        var rows = new StringBuilder(string.Join(',', Enumerable.Range(0, 10).Select(i => $"x{i}")) + ",label\n");
        for (var r = 0; r < 150_000; r++) rows.Append("1.5,2.5,3.5,4.5,5.5,6.5,7.5,8.5,9.5,").Append(r % 10).Append(r % 2 == 0 ? ",a\n" : ",b\n");
        var big = await _client.UploadAsync("rows.csv", rows.ToString());
        await RefusedAsync(new { training_file = big, method = new { type = "logistic" } }, "training_file", "job_memory_exceeded");
    }
}
