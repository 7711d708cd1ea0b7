using System.Runtime.CompilerServices;
using Llm.Api.Contracts;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;

namespace Llm.Api.Generation;

/// <summary>
/// Turns a generation stream into chat completion chunks: the role first, text as it comes, tool calls whole at
/// the end (index on every delta, id/type/name on the first), one finish chunk, the usage chunk when asked, [DONE].
/// </summary>
internal static class ChatCompletionStreamer
{
    public static async IAsyncEnumerable<string> StreamAsync(GenerationStream stream, ChatReply reply, bool includeUsage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var context = OpenAiJsonContext.Default.ChatCompletionChunk;
        string Chunk(ChatDelta delta, string? finish) =>
            SseSerializer.Serialize(new ChatCompletionChunk(reply.Id, reply.Created, reply.Model, [new ChatChunkChoice(0, delta, null, finish)], null), context);

        yield return Chunk(new ChatDelta("assistant", string.Empty), null);
        var filter = reply.Tools is null ? null : new ToolCallStreamFilter(reply.ToolCallFormat);
        await using var updates = stream.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var completionTokens = 0;
        while (true)
        {
            GenerationUpdate update;
            string? failure = null;
            try
            {
                if (!await updates.MoveNextAsync()) break;
                update = updates.Current;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = SseSerializer.Error(ex);
                update = default;
            }
            if (failure is not null)
            {
                yield return failure;
                yield break;
            }

            completionTokens = update.CompletionTokens;
            var text = filter is null ? update.Text : filter.Push(update.Text);
            if (text.Length > 0) yield return Chunk(new ChatDelta(null, text), null);
            if (update.FinishReason is not { } reason) continue;

            var finish = FinishReasons.ToWire(reason);
            if (filter?.Finish() is { } end)
            {
                if (end.Calls.Count == 0 && end.Content is { Length: > 0 } held) yield return Chunk(new ChatDelta(null, held), null);
                if (end.Calls.Count > 0)
                {
                    if (end.Content is { Length: > 0 } before) yield return Chunk(new ChatDelta(null, before), null);
                    var calls = reply.ToWire(end.Calls);
                    for (var i = 0; i < calls.Count; i++)
                    {
                        yield return Chunk(new ChatDelta(null, null, [new ToolCallDelta(i, calls[i].Id, "function", new FunctionDelta(calls[i].Function.Name, string.Empty))]), null);
                        yield return Chunk(new ChatDelta(null, null, [new ToolCallDelta(i, null, null, new FunctionDelta(null, calls[i].Function.Arguments))]), null);
                    }
                    finish = "tool_calls";
                }
            }
            yield return Chunk(new ChatDelta(null, null), finish);
        }

        if (includeUsage)
        {
            var usage = new Usage(stream.PromptTokens, completionTokens, new PromptTokensDetails(stream.CachedTokens));
            yield return SseSerializer.Serialize(new ChatCompletionChunk(reply.Id, reply.Created, reply.Model, [], usage), context);
        }
        yield return SseSerializer.Done;
    }
}
