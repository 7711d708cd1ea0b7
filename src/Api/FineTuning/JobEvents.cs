using System.Collections.Immutable;
using Llm.Api.Contracts.FineTuning;
using Llm.Finetune.Training;

namespace Llm.Api.FineTuning;

/// <summary>Builds job events (messages for status changes, metrics after each epoch) and keeps a job's log bounded.</summary>
public static class JobEvents
{
    /// <summary>The smallest event cap: room for the first events, the drop marker and a useful tail.</summary>
    public const int MinimumCap = 16;

    private const int MaxHead = 16;
    private const string DroppedMessage = "Older events were dropped to keep this job's log bounded; the first and the latest events are kept.";

    public static FineTuningJobEvent Message(string message, string level = "info") =>
        new(Ids.New("ftevent-"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), level, message, "message", null);

    public static FineTuningJobEvent Metrics(EpochReport report)
    {
        var text = $"Epoch {report.Epoch}/{report.TotalEpochs}: train loss {report.TrainLoss:G5}"
            + (report.ValidationLoss is { } v ? $", validation loss {v:G5}" : "")
            + ((report.ValidationAccuracy ?? report.TrainAccuracy) is { } a ? $", accuracy {a:P1}" : "");
        var data = new EpochMetrics(report.Epoch, report.TotalEpochs, report.TrainLoss, report.ValidationLoss,
            report.TrainAccuracy, report.ValidationAccuracy, Math.Round(report.Elapsed.TotalSeconds, 4));
        return new FineTuningJobEvent(Ids.New("ftevent-"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "info", text, "metrics", data);
    }

    /// <summary>
    /// Appends <paramref name="next"/> and keeps at most <paramref name="cap"/> events: the first
    /// <see cref="HeadCount"/> (creation, validation, the first epochs), one <c>warn</c> marker saying events were
    /// dropped, and the latest ones. O(log n) time and allocation per call: the list is a shared tree, never copied.
    /// </summary>
    /// <param name="events">The job's events, oldest first.</param>
    /// <param name="next">The new event.</param>
    /// <param name="cap">Most events kept; at least <see cref="MinimumCap"/>, or 0 for no cap.</param>
    public static ImmutableList<FineTuningJobEvent> Append(ImmutableList<FineTuningJobEvent> events, FineTuningJobEvent next, int cap)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = events.Add(next);
        if (cap <= 0 || list.Count <= cap) return list;
        cap = Math.Max(cap, MinimumCap);
        var head = HeadCount(cap);
        if (!IsDropMarker(list[head]))
            list = list.Insert(head, new FineTuningJobEvent(Ids.New("ftevent-"), list[head].CreatedAt, "warn", DroppedMessage, "message", null));
        // Oldest events after the marker go first; each removal is O(log n) in the tree.
        while (list.Count > cap) list = list.RemoveAt(head + 1);
        return list;
    }

    /// <summary>Events kept from the start of a log capped at <paramref name="cap"/>: a quarter of it, at most 16.</summary>
    public static int HeadCount(int cap) => Math.Clamp(cap / 4, 1, MaxHead);

    /// <summary>Whether <paramref name="e"/> is the marker <see cref="Append"/> puts where events were dropped.</summary>
    public static bool IsDropMarker(FineTuningJobEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e is { Type: "message", Level: "warn", Data: null } && e.Message == DroppedMessage;
    }
}
