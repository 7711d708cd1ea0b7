using System.Runtime.CompilerServices;

namespace Llm.Api.Streaming;

/// <summary>Adapters from a protocol's payload sequence to <see cref="SseEvent"/>s.</summary>
public static class SseEvents
{
    /// <summary>Data-only events (OpenAI's chat and completions streams name no event types).</summary>
    public static async IAsyncEnumerable<SseEvent> Data(IAsyncEnumerable<string> payloads, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var payload in payloads.WithCancellation(cancellationToken)) yield return new SseEvent(payload);
    }
}
