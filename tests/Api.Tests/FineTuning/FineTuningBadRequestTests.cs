using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.FineTuning;

/// <summary>Every bad upload, job request or prediction gets an OpenAI-shaped 4xx naming the problem.</summary>
[Collection(ServerCollection.Name)]
public sealed class FineTuningBadRequestTests(ServerFixture server)
{
    private readonly FineTuningClient _client = new(server.Http);

    [Theory]
    [InlineData("bad.jsonl", "{\"features\":[1,2],\"label\":\"a\"}\n{\"features\":[1,\"x\"],\"label\":\"b\"}\n", "line 2")]
    [InlineData("bad.jsonl", "{\"features\":[1,2],\"label\":\"a\"}\n\n{\"features\":[1,2,3],\"label\":\"b\"}\n", "line 3")]
    [InlineData("bad.jsonl", "{\"features\":[1,2],\"label\":\"a\"}\n{\"features\":[3,4],\"label\":\"b\"\n", "line 2")]
    [InlineData("bad.jsonl", "{\"text\":\"hi\",\"label\":\"a\"}\n{\"features\":[1],\"label\":\"b\"}\n", "line 2")]
    [InlineData("bad.csv", "x,y,label\n1,2,a\n3,oops,b\n", "line 3")]
    [InlineData("bad.csv", "x,y,label\n1,2,a\n3,4\n", "line 3")]
    [InlineData("bad.csv", "x,y\n1,2\n", "label")]
    public async Task MalformedDatasetsAreRefusedWithTheirLineNumber(string name, string content, string expected)
    {
        var (status, body) = await _client.TryUploadAsync(name, content);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("error");
        Assert.Equal("invalid_file_format", error.GetProperty("code").GetString());
        Assert.Equal("file", error.GetProperty("param").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString());
        Assert.StartsWith(name, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task UploadsNeedMultipartAFileAndTheFineTunePurpose()
    {
        var (wrongPurpose, body) = await _client.TryUploadAsync("a.csv", "x,label\n1,a\n", purpose: "assistants");
        Assert.Equal(HttpStatusCode.BadRequest, wrongPurpose);
        Assert.Equal("purpose", body.GetProperty("error").GetProperty("param").GetString());

        var (json, jsonBody) = await _client.PostAsync("/v1/files", new { file = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, json);
        Assert.Equal("file", jsonBody.GetProperty("error").GetProperty("param").GetString());

        using var form = new MultipartFormDataContent { { new StringContent("fine-tune"), "purpose" } };
        using var noFile = await server.Http.PostAsync("/v1/files", form);
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Equal("file", System.Text.Json.JsonDocument.Parse(await noFile.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());

        using var broken = new ByteArrayContent(Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx,label\n1,a"));
        broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        using var truncated = await server.Http.PostAsync("/v1/files", broken);
        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
    }

    [Fact]
    public async Task BadJobRequestsNameTheParameter()
    {
        var numeric = await _client.UploadAsync("n.csv", "x,label\n1,a\n2,b\n");
        var text = await _client.UploadAsync("t.jsonl", "{\"text\":\"hi\",\"label\":\"a\"}\n{\"text\":\"42\",\"label\":\"b\"}\n");
        var regression = await _client.UploadAsync("r.csv", "x,target\n1,2\n2,4\n");
        (object Body, HttpStatusCode Status, string? Param)[] cases =
        [
            (new { }, HttpStatusCode.BadRequest, "training_file"),
            (new { training_file = "file-000000000000000000000000" }, HttpStatusCode.BadRequest, "training_file"),
            (new { training_file = numeric, validation_file = text }, HttpStatusCode.BadRequest, "validation_file"),
            (new { training_file = text }, HttpStatusCode.BadRequest, "model"),
            (new { training_file = numeric, model = "no-such-model" }, HttpStatusCode.NotFound, "model"),
            (new { training_file = numeric, suffix = "has space" }, HttpStatusCode.BadRequest, "suffix"),
            (new { training_file = numeric, method = new { type = "dpo" } }, HttpStatusCode.BadRequest, "method.type"),
            (new { training_file = numeric, method = new { type = "forest" } }, HttpStatusCode.BadRequest, "method.type"),
            (new { training_file = numeric, method = new { } }, HttpStatusCode.BadRequest, "method.type"),
            (new { training_file = numeric, method = new { type = "linear" } }, HttpStatusCode.BadRequest, "method.type"),
            (new { training_file = regression, method = new { type = "logistic" } }, HttpStatusCode.BadRequest, "method.type"),
            (new { training_file = numeric, method = new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 0 } } } }, HttpStatusCode.BadRequest, "method.logistic.hyperparameters.n_epochs"),
            (new { training_file = numeric, method = new { type = "logistic", logistic = new { hyperparameters = new { n_epochs = 2.5 } } } }, HttpStatusCode.BadRequest, "method.logistic.hyperparameters.n_epochs"),
            (new { training_file = numeric, method = new { type = "logistic", logistic = new { hyperparameters = new { batch_size = "big" } } } }, HttpStatusCode.BadRequest, "method.logistic.hyperparameters.batch_size"),
            (new { training_file = numeric, method = new { type = "logistic", logistic = new { hyperparameters = new { learning_rate = -1 } } } }, HttpStatusCode.BadRequest, "method.logistic.hyperparameters.learning_rate"),
            (new { training_file = numeric, method = new { type = "logistic", logistic = new { hyperparameters = new { optimizer = "lbfgs" } } } }, HttpStatusCode.BadRequest, "method.logistic.hyperparameters.optimizer"),
            (new { training_file = numeric, method = new { type = "logistic", logistic = new { hyperparameters = new { hidden_layers = new[] { 4 } } } } }, HttpStatusCode.BadRequest, "method.logistic.hyperparameters.hidden_layers"),
            (new { training_file = numeric, method = new { type = "mlp", mlp = new { hyperparameters = new { hidden_layers = new[] { 0 } } } } }, HttpStatusCode.BadRequest, "method.mlp.hyperparameters.hidden_layers"),
            (new { training_file = numeric, method = new { type = "mlp", mlp = new { hyperparameters = new { activation = "gelu" } } } }, HttpStatusCode.BadRequest, "method.mlp.hyperparameters.activation"),
            (new { training_file = numeric, method = new { type = "mlp", mlp = new { hyperparameters = new { early_stopping = -1 } } } }, HttpStatusCode.BadRequest, "method.mlp.hyperparameters.early_stopping"),
            (new { training_file = numeric, seed = "x" }, HttpStatusCode.BadRequest, "seed"),
            ("{\"training_file\":", HttpStatusCode.BadRequest, "training_file"),
        ];
        foreach (var (body, expected, param) in cases)
        {
            var (status, error) = await _client.PostAsync("/v1/fine_tuning/jobs", body);
            var message = $"{System.Text.Json.JsonSerializer.Serialize(body)} -> {error}";
            Assert.True(expected == status, message);
            Assert.True(param == error.GetProperty("error").GetProperty("param").GetString(), message);
        }
    }

    [Fact]
    public async Task UnknownJobsAndAdaptersAre404AndBadPredictionsAre400()
    {
        var (job, _) = await _client.GetAsync("/v1/fine_tuning/jobs/ftjob-missing");
        Assert.Equal(HttpStatusCode.NotFound, job);
        var (events, _) = await _client.GetAsync("/v1/fine_tuning/jobs/ftjob-missing/events");
        Assert.Equal(HttpStatusCode.NotFound, events);
        var (cancel, _) = await _client.PostAsync("/v1/fine_tuning/jobs/ftjob-missing/cancel", new { });
        Assert.Equal(HttpStatusCode.NotFound, cancel);
        var (model, error) = await _client.PostAsync("/v1/predictions", new { model = "ft:none", input = new[] { new[] { 1.0 } } });
        Assert.Equal(HttpStatusCode.NotFound, model);
        Assert.Equal("model_not_found", error.GetProperty("error").GetProperty("code").GetString());

        var trained = await _client.TrainAsync("n.csv", "x,y,label\n1,0,a\n2,0,b\n1,1,a\n2,1,b\n", new { type = "logistic" });
        var name = trained.GetProperty("fine_tuned_model").GetString()!;
        (object Body, string? Param)[] cases =
        [
            (new { input = new[] { new[] { 1.0, 2.0 } } }, "model"),
            (new { model = name }, "input"),
            (new { model = name, input = Array.Empty<int>() }, "input"),
            (new { model = name, input = "text" }, "input"),
            (new { model = name, input = new[] { new[] { 1.0 } } }, "input[0]"),
            (new { model = name, input = new object[] { new[] { 1.0, 2.0 }, "text" } }, "input[1]"),
            (new { model = name, input = new object[] { new object[] { 1.0, "x" } } }, "input[0][1]"),
        ];
        foreach (var (body, param) in cases)
        {
            var (status, bad) = await _client.PostAsync("/v1/predictions", body);
            Assert.True(status == HttpStatusCode.BadRequest, bad.ToString());
            Assert.Equal(param, bad.GetProperty("error").GetProperty("param").GetString());
        }
    }
}
