using System.Runtime.CompilerServices;

namespace Llm.Api.Generation;

/// <summary>
/// Reads a stream for an SSE response whose 200 has already gone out: a failure can no longer change the status,
/// so it becomes one final <c>data: {"error":…}</c> payload (OpenAI's mid-stream error) and the stream ends.
/// </summary>
internal static class StreamGuard
{
    /// <summary>Yields each item with a null error, or, when the source fails, one default item with the error payload.</summary>
    public static async IAsyncEnumerable<(T Item, string? Error)> GuardAsync<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var items = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            T item;
            string? error = null;
            try
            {
                if (!await items.MoveNextAsync()) yield break;
                item = items.Current;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = SseSerializer.Error(ex);
                item = default!;
            }
            yield return (item, error);
            if (error is not null) yield break;
        }
    }
}
