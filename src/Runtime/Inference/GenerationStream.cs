using System.Runtime.CompilerServices;

namespace Llm.Runtime.Inference;

/// <summary>
/// A request accepted by an engine: its prompt size is known and it is queued, so callers can answer
/// errors before they start a response, then read the updates.
/// </summary>
public sealed class GenerationStream
{
    private readonly Sequence _sequence;

    internal GenerationStream(Sequence sequence)
    {
        _sequence = sequence;
        PromptTokens = sequence.Prompt.Length;
    }

    /// <summary>Gets the number of prompt tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>
    /// Gets the prompt tokens whose KV cells were reused from the prefix cache (or from a request that computed
    /// the same prefix at the same time) instead of being decoded. Final once the first update has arrived.
    /// </summary>
    public int CachedTokens => _sequence.CachedTokens;

    /// <summary>Reads the updates until the last one, which carries a finish reason.</summary>
    public async IAsyncEnumerable<GenerationUpdate> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in _sequence.Updates.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return update;
    }
}
