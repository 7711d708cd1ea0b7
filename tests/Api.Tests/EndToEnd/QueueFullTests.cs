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
}
