using Llm.Api.Contracts.FineTuning;
using Llm.Finetune.Training;

namespace Llm.Api.FineTuning;

/// <summary>Builds job events: messages for status changes, metrics after each epoch.</summary>
public static class JobEvents
{
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
}
