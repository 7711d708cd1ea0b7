using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Llm.Runtime.Inference;

/// <summary>Interleaves the updates of several generation streams, tagged with their index in the list, as they come.</summary>
public static class ChoiceMerger
{
    /// <summary>Reads every stream to its end; a failing stream fails the whole.</summary>
    public static IAsyncEnumerable<(int Index, GenerationUpdate Update)> Merge(IReadOnlyList<GenerationStream> streams, CancellationToken cancellationToken)
        => streams.Count == 1 ? Single(streams[0], cancellationToken) : Many(streams, cancellationToken);

    private static async IAsyncEnumerable<(int, GenerationUpdate)> Single(GenerationStream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in stream.ReadAllAsync(cancellationToken)) yield return (0, update);
    }

    private static async IAsyncEnumerable<(int, GenerationUpdate)> Many(IReadOnlyList<GenerationStream> streams, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var merged = Channel.CreateUnbounded<(int, GenerationUpdate)>(new UnboundedChannelOptions { SingleReader = true });
        var pumps = new Task[streams.Count];
        for (var i = 0; i < streams.Count; i++) pumps[i] = Pump(i, streams[i], merged.Writer, cancellationToken);
        _ = Task.WhenAll(pumps).ContinueWith(t => merged.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        await foreach (var item in merged.Reader.ReadAllAsync(cancellationToken)) yield return item;
    }

    private static async Task Pump(int index, GenerationStream stream, ChannelWriter<(int, GenerationUpdate)> writer, CancellationToken cancellationToken)
    {
        await foreach (var update in stream.ReadAllAsync(cancellationToken)) await writer.WriteAsync((index, update), cancellationToken);
    }
}
