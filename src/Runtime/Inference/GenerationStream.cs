using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Llm.Runtime.Inference;

/// <summary>
/// A request accepted by an engine: its prompt size is known and it is queued, so callers can answer
/// errors before they start a response, then read the updates.
/// </summary>
public sealed class GenerationStream
{
    private readonly ChannelReader<GenerationUpdate> _updates;

    internal GenerationStream(int promptTokens, ChannelReader<GenerationUpdate> updates)
    {
        PromptTokens = promptTokens;
        _updates = updates;
    }

    /// <summary>Gets the number of prompt tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>Reads the updates until the last one, which carries a finish reason.</summary>
    public async IAsyncEnumerable<GenerationUpdate> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in _updates.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return update;
    }
}
