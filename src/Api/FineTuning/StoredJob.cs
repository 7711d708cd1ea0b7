using System.Collections.Immutable;
using Llm.Api.Contracts.FineTuning;

namespace Llm.Api.FineTuning;

/// <summary>A job's record on disk: the wire object, its creation order (for stable listing) and its events, oldest first.</summary>
/// <remarks>
/// <see cref="Events"/> is an immutable tree list: a new record with one more event shares the rest with the old one
/// (O(log n) per event, not a copy of the list), and <see cref="JobEvents.Append"/> caps its length.
/// </remarks>
public sealed record StoredJob(FineTuningJob Job, long Sequence, ImmutableList<FineTuningJobEvent> Events);
