using System.Net;
using Llm.Api.Hosting;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.EndToEnd;

/// <summary>A server with one sequence slot and no wait queue: a second request gets 503 with Retry-After.</summary>
public sealed class QueueFullTests : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "llm-queue-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = LlmServer.Build(["--port", "0", "--ctx-size", "8192", "--parallel", "1", "--max-queue", "0", "--cache-dir", _cache,
            "--model", "demo=" + DemoModel.EnsureBuilt(_cache)])!;
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        while (!(await _http.GetAsync("/health")).IsSuccessStatusCode) await Task.Delay(50);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app!.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_cache, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task BusyServerAnswers503WithRetryAfterAndRecoversWhenTheClientLeaves()
    {
        // An endless count that keeps the only slot busy until its client disconnects.
        using var running = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = Sse.Json("""{"model":"demo","prompt":"0","max_tokens":8000,"temperature":0,"stream":true}"""),
        };
        var busy = await _http.SendAsync(running, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await busy.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync());

        const string Small = """{"model":"demo","prompt":"x","max_tokens":3,"temperature":0}""";
        using (var refused = await _http.PostAsync("/v1/completions", Sse.Json(Small)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            var error = Sse.Parse(await refused.Content.ReadAsStringAsync()).GetProperty("error");
            Assert.Equal("server_error", error.GetProperty("type").GetString());
            Assert.Equal("server_overloaded", error.GetProperty("code").GetString());
            Assert.Contains("retry", error.GetProperty("message").GetString());
        }

        // A request that can never fit is a client error even when the server is busy.
        using (var tooLong = await _http.PostAsync("/v1/completions", Sse.Json("""{"model":"demo","prompt":"x","max_tokens":9000}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
            Assert.Equal("context_length_exceeded", Sse.Parse(await tooLong.Content.ReadAsStringAsync()).GetProperty("error").GetProperty("code").GetString());
        }

        // So is one that asks for more sequences than slots and queue places together: 400, not a 503 to retry forever.
        using (var never = await _http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"demo","messages":[{"role":"user","content":"x"}],"n":2,"max_tokens":1}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, never.StatusCode);
            Assert.Equal("n", Sse.Parse(await never.Content.ReadAsStringAsync()).GetProperty("error").GetProperty("param").GetString());
        }

        reader.Dispose();
        busy.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            using var retry = await _http.PostAsync("/v1/completions", Sse.Json(Small));
            status = retry.StatusCode;
            if (status == HttpStatusCode.OK) Assert.Equal("yz.", Sse.Parse(await retry.Content.ReadAsStringAsync()).GetProperty("choices")[0].GetProperty("text").GetString());
            else await Task.Delay(50);
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"demo","messages":[{"role":"user","content":"x"}],"n":2,"max_tokens":1}""", "n", "n=2 asks for 2 sequences")]
    [InlineData("/v1/completions", """{"model":"demo","prompt":"x","n":2,"max_tokens":1}""", "n", "n=2 asks for 2 sequences")]
    [InlineData("/v1/completions", """{"model":"demo","prompt":["a","b"],"max_tokens":1}""", "prompt", "2 prompts × n=1 asks for 2 sequences")]
    [InlineData("/v1/completions", """{"model":"demo","prompt":[[1,2],[3]],"max_tokens":1}""", "prompt", "2 prompts × n=1 asks for 2 sequences")]
    public async Task RequestLargerThanEverySlotAndQueuePlaceIs400OnAnIdleServer(string route, string body, string param, string says)
    {
        using var response = await _http.PostAsync(route, Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var error = Sse.Parse(text).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("too_many_sequences", error.GetProperty("code").GetString());
        Assert.Contains(says, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("--parallel + --max-queue = 1", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/completions", """{"model":"demo","prompt":"x","max_tokens":3,"temperature":0}""")]
    [InlineData("/v1/completions", """{"model":"demo","prompt":[120,121],"max_tokens":3,"temperature":0}""")]
    [InlineData("/v1/completions", """{"model":"demo","prompt":["x"],"max_tokens":3,"temperature":0}""")]
    public async Task OneSequenceStillFitsTheSmallestServer(string route, string body)
    {
        using var response = await _http.PostAsync(route, Sse.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
