using System.Text.Json.Serialization;

namespace Llm.Api.Contracts.FineTuning;

/// <summary>One entry of a job's log; <see cref="Data"/> carries the metrics of <c>"metrics"</c> events.</summary>
public sealed record FineTuningJobEvent(string Id, long CreatedAt, string Level, string Message, string Type, EpochMetrics? Data)
{
    [JsonPropertyOrder(-1)]
    public string Object => "fine_tuning.job.event";
}

/// <summary>Metrics after one epoch (<see cref="Step"/> counts epochs).</summary>
public sealed record EpochMetrics(
    int Step,
    int TotalSteps,
    double TrainLoss,
    double? ValidLoss,
    double? TrainAccuracy,
    double? ValidAccuracy,
    double ElapsedSeconds);

/// <summary>The answer of <c>GET /v1/fine_tuning/jobs/{id}/events</c>, newest first.</summary>
public sealed record FineTuningJobEventList(IReadOnlyList<FineTuningJobEvent> Data, bool HasMore)
{
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}
