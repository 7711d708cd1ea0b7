using System.Net;
using System.Text;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.FineTuning;

/// <summary>
/// The case under the default limits: a 12 MB CSV of a million columns with a 100-wide hidden layer (100 M
/// parameters, about 4 GiB with Adam) is refused when the job is created; a linear model on the same file fits and trains.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class LargeDatasetTests(ServerFixture server)
{
    private readonly FineTuningClient _client = new(server.Http);

    [Fact]
    public async Task AWideCsvWithAHundredWideHiddenLayerIsRefusedAtCreationAndALinearModelTrains()
    {
        const int features = 1_000_000;
        var csv = new StringBuilder(13_000_000);
        csv.AppendJoin(',', Enumerable.Range(0, features).Select(i => "x" + i)).Append(",label\n");
        for (var r = 0; r < 2; r++)
        {
            csv.Append(r);
            for (var i = 1; i < features; i++) csv.Append(',').Append(r);
            csv.Append(r == 0 ? ",a\n" : ",b\n");
        }
        Assert.InRange(csv.Length, 11_000_000, 13_000_000);
        var file = await _client.UploadAsync("wide.csv", csv.ToString());

        var (status, body) = await _client.PostAsync("/v1/fine_tuning/jobs",
            new { training_file = file, method = new { type = "mlp", mlp = new { hyperparameters = new { hidden_layers = new[] { 100 } } } } });
        Assert.True(status == HttpStatusCode.BadRequest, body.ToString());
        Assert.Equal("method.mlp.hyperparameters.hidden_layers", body.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("too_many_parameters", body.GetProperty("error").GetProperty("code").GetString());

        var job = await _client.CreateJobAsync(new { training_file = file, method = new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 1 } } } });
        var done = await _client.WaitAsync(job.GetProperty("id").GetString()!);
        Assert.True(done.GetProperty("status").GetString() == "succeeded", done.ToString());
    }
}
