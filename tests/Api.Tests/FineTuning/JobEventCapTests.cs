using System.Collections.Immutable;
using Llm.Api.Contracts.FineTuning;
using Llm.Api.FineTuning;

namespace Llm.Api.Tests.FineTuning;

/// <summary>A job's log: appending is not a copy of the list, and the log keeps its first and latest events under a cap.</summary>
public sealed class JobEventCapTests
{
    private static FineTuningJobEvent Epoch(int step) =>
        new(Ids.New("ftevent-"), step, "info", $"Epoch {step}", "metrics", new EpochMetrics(step, 0, 1, null, null, null, 0));

    [Theory]
    [InlineData(16, 17)]
    [InlineData(16, 5_000)]
    [InlineData(100, 101)]
    [InlineData(1000, 20_000)]
    public void TheCapKeepsTheFirstEventsOneMarkerAndTheLatest(int cap, int appended)
    {
        var events = ImmutableList.Create(JobEvents.Message("Created."));
        for (var step = 1; step < appended; step++) events = JobEvents.Append(events, Epoch(step), cap);

        Assert.Equal(cap, events.Count);
        var head = JobEvents.HeadCount(cap);
        Assert.Equal("Created.", events[0].Message);
        Assert.Equal(Enumerable.Range(1, head - 1), events.Skip(1).Take(head - 1).Select(e => e.Data!.Step));
        Assert.True(JobEvents.IsDropMarker(events[head]));
        Assert.Single(events, JobEvents.IsDropMarker);
        var tail = events.Skip(head + 1).Select(e => e.Data!.Step).ToArray();
        Assert.Equal(Enumerable.Range(appended - tail.Length, tail.Length), tail);
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void BelowTheCapOrWithoutOneNothingIsDropped()
    {
        var capped = ImmutableList<FineTuningJobEvent>.Empty;
        var uncapped = ImmutableList<FineTuningJobEvent>.Empty;
        for (var step = 1; step <= 1000; step++)
        {
            capped = JobEvents.Append(capped, Epoch(step), 1000);
            uncapped = JobEvents.Append(uncapped, Epoch(step), 0);
        }
        Assert.Equal(Enumerable.Range(1, 1000), capped.Select(e => e.Data!.Step));
        Assert.Equal(Enumerable.Range(1, 1000), uncapped.Select(e => e.Data!.Step));
    }

    [Fact]
    public void AppendingDoesNotCopyTheList()
    {
        // Copying a 20,000-event list costs 160 KB of references per append; a shared tree costs a few nodes.
        var events = ImmutableList<FineTuningJobEvent>.Empty;
        for (var step = 0; step < 20_000; step++) events = JobEvents.Append(events, Epoch(step), 0);
        var next = Enumerable.Range(0, 1000).Select(Epoch).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var e in next) events = JobEvents.Append(events, e, 0);
        var perAppend = (GC.GetAllocatedBytesForCurrentThread() - before) / next.Length;
        Assert.True(perAppend < 4096, $"Each append allocated {perAppend} bytes.");

        // The same holds at the cap, where each append also drops one event.
        var capped = JobEvents.Append(events, Epoch(-1), 10_000);
        before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var e in next) capped = JobEvents.Append(capped, e, 10_000);
        perAppend = (GC.GetAllocatedBytesForCurrentThread() - before) / next.Length;
        Assert.Equal(10_000, capped.Count);
        Assert.True(perAppend < 8192, $"Each capped append allocated {perAppend} bytes.");
    }
}
