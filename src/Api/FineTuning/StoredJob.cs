using Llm.Api.Contracts.FineTuning;

namespace Llm.Api.FineTuning;

/// <summary>A job's record on disk: the wire object, its creation order (for stable listing) and its events, oldest first.</summary>
public sealed record StoredJob(FineTuningJob Job, long Sequence, IReadOnlyList<FineTuningJobEvent> Events);
