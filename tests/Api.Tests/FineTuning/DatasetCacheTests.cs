using Llm.Api.FineTuning;
using Llm.Finetune.Data;

namespace Llm.Api.Tests.FineTuning;

/// <summary>One parsed copy per file while leased, nothing held after, failures and cancellations leave nothing behind.</summary>
public sealed class DatasetCacheTests
{
    private static Dataset Rows() => Dataset.ForClassification([1, 2, 3, 4], 2, [0, 1], ["a", "b"]);

    [Fact]
    public async Task LeasesOnOneFileShareOneParseAndTheLastOneFreesIt()
    {
        var cache = new DatasetCache(new DatasetParseGate(2));
        var parses = 0;
        Dataset Parse()
        {
            Interlocked.Increment(ref parses);
            return Rows();
        }

        var first = await cache.AcquireAsync("file-a", Parse);
        var second = await cache.AcquireAsync("file-a", Parse);
        Assert.Same(first.Data, second.Data);
        Assert.Equal(1, parses);
        Assert.Equal(2, cache.References("file-a"));
        first.Dispose();
        first.Dispose();
        Assert.Equal(1, cache.References("file-a"));
        second.Dispose();
        Assert.Equal(0, cache.Count);

        using var third = await cache.AcquireAsync("file-a", Parse);
        Assert.Equal(2, parses);
    }

    [Fact]
    public async Task AFailedParseIsForgottenSoTheNextLeaseTriesAgain()
    {
        var cache = new DatasetCache(new DatasetParseGate(1));
        await Assert.ThrowsAsync<InvalidDataException>(() => cache.AcquireAsync("file-b", () => throw new InvalidDataException("bad line 3")));
        Assert.Equal(0, cache.Count);
        using var lease = await cache.AcquireAsync("file-b", Rows);
        Assert.Equal(2, lease.Data.Count);
    }

    [Fact]
    public async Task ALeaseCancelledWhileWaitingForTheGateHoldsNothingAndItsParseNeverRuns()
    {
        var cache = new DatasetCache(new DatasetParseGate(1));
        using var release = new ManualResetEventSlim();
        var blocking = cache.AcquireAsync("file-slow", () =>
        {
            release.Wait(TimeSpan.FromSeconds(30));
            return Rows();
        });
        while (cache.PeakParsing == 0) await Task.Delay(5);

        using var cancel = new CancellationTokenSource();
        var ran = false;
        var waiting = cache.AcquireAsync("file-c", () =>
        {
            ran = true;
            return Rows();
        }, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, cache.References("file-c"));

        release.Set();
        (await blocking).Dispose();
        using var after = await cache.AcquireAsync("file-d", Rows);
        Assert.False(ran);
        Assert.Equal(1, cache.Count);
    }
}
