using System.Text;
using Llm.Api.Hosting;
using Llm.Api.Limits;
using Llm.Api.Observability;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Api.Tests.Operations;

/// <summary>The request gate on its own, with a hand-written endpoint: idle-stream timeout and open streams per key.</summary>
public sealed class RequestGateTests : IDisposable
{
    private readonly ModelRegistry _models = new([], NullLoggerFactory.Instance);

    [Fact]
    public async Task AStreamThatWritesNothingIsAbortedAfterTheIdleTimeout()
    {
        var gate = Gate(new ServerOptions { IdleStreamTimeoutSeconds = 1 }, async context =>
        {
            await context.Response.Body.WriteAsync("data: first\n\n"u8.ToArray());
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        var (context, aborted) = StreamRequest();
        var run = gate.InvokeAsync(context);
        Assert.True(await Task.WhenAny(aborted.Task, Task.Delay(10_000)) == aborted.Task, "the idle stream was not aborted");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task AStreamThatKeepsWritingIsNotAborted()
    {
        // Writes every 100 ms for 5 s against a 3 s timeout: slack for a loaded test machine.
        var gate = Gate(new ServerOptions { IdleStreamTimeoutSeconds = 3 }, async context =>
        {
            for (var i = 0; i < 50; i++)
            {
                await context.Response.Body.WriteAsync("data: x\n\n"u8.ToArray());
                await Task.Delay(100);
            }
        });
        var (context, aborted) = StreamRequest();
        await gate.InvokeAsync(context);
        Assert.False(aborted.Task.IsCompleted);
    }

    [Fact]
    public async Task OpenStreamsPerKeyAreCappedWith429()
    {
        var release = new TaskCompletionSource();
        var gate = Gate(new ServerOptions { MaxStreamsPerKey = 1 }, async _ => await release.Task);
        var (first, _) = StreamRequest();
        var running = gate.InvokeAsync(first);
        var (second, _) = StreamRequest();
        await gate.InvokeAsync(second);
        Assert.Equal(429, second.Response.StatusCode);
        Assert.Equal("1", second.Response.Headers.RetryAfter.ToString());

        release.SetResult();
        await running;
        var (third, _) = StreamRequest();
        await gate.InvokeAsync(third);
        Assert.Equal(200, third.Response.StatusCode);
    }

    public void Dispose() => _models.Dispose();

    private RequestGate Gate(ServerOptions options, RequestDelegate endpoint)
        => new(endpoint, options, _models, new ServerMetrics(_models), NullLogger<RequestGate>.Instance);

    private (DefaultHttpContext Context, TaskCompletionSource Aborted) StreamRequest()
    {
        var services = new ServiceCollection().AddSingleton(new ServerMetrics(_models)).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        var aborted = new TaskCompletionSource();
        var lifetime = new Lifetime(aborted);
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(new MemoryStream()));
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"model":"demo","stream":true,"messages":[]}"""));
        return (context, aborted);
    }

    private sealed class Lifetime(TaskCompletionSource aborted) : IHttpRequestLifetimeFeature
    {
        private readonly CancellationTokenSource _cancel = new();

        public CancellationToken RequestAborted { get => _cancel.Token; set { } }

        public void Abort()
        {
            aborted.TrySetResult();
            _cancel.Cancel();
        }
    }
}
