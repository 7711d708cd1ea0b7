using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Llm.Api.Tests.Infrastructure;

/// <summary>Raw HTTP calls to the fine-tuning routes, returning parsed JSON so tests check the wire shape.</summary>
internal sealed class FineTuningClient(HttpClient http)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);

    public HttpClient Http => http;

    public async Task<(HttpStatusCode Status, JsonElement Body)> TryUploadAsync(string fileName, string content, string purpose = "fine-tune")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        form.Add(new StringContent(purpose), "purpose");
        using var response = await http.PostAsync("/v1/files", form);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>Uploads and returns the file id, failing the test on an error.</summary>
    public async Task<string> UploadAsync(string fileName, string content)
    {
        var (status, body) = await TryUploadAsync(fileName, content);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body)
    {
        using var response = await http.PostAsync(path, new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        return (response.StatusCode, await ReadAsync(response));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>Creates a job and returns it, failing the test on an error.</summary>
    public async Task<JsonElement> CreateJobAsync(object request)
    {
        var (status, body) = await PostAsync("/v1/fine_tuning/jobs", request);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>Polls until the job reaches <paramref name="status"/> or any final status.</summary>
    public async Task<JsonElement> WaitAsync(string jobId, params string[] statuses)
    {
        string[] until = statuses.Length > 0 ? statuses : ["succeeded", "failed", "cancelled"];
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            var (_, job) = await GetAsync($"/v1/fine_tuning/jobs/{jobId}");
            if (until.Contains(job.GetProperty("status").GetString())) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {jobId} is still {job.GetProperty("status")}.");
            await Task.Delay(25);
        }
    }

    /// <summary>Uploads, trains to success and returns the succeeded job.</summary>
    public async Task<JsonElement> TrainAsync(string fileName, string content, object method, string? model = null, string? suffix = null)
    {
        var file = await UploadAsync(fileName, content);
        var job = await CreateJobAsync(new { training_file = file, model, suffix, seed = 0, method });
        var done = await WaitAsync(job.GetProperty("id").GetString()!);
        Assert.True(done.GetProperty("status").GetString() == "succeeded", done.ToString());
        return done;
    }

    public async Task<JsonElement> PredictAsync(string model, object input)
    {
        var (status, body) = await PostAsync("/v1/predictions", new { model, input });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("data");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
