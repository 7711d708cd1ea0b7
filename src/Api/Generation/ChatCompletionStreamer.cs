using System.Runtime.CompilerServices;
using Llm.Api.Contracts;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;

namespace Llm.Api.Generation;

/// <summary>
/// Turns generation streams (one per choice) into chat completion chunks: each choice's role first, text as it
/// comes, tool calls whole at the end (index on every delta, id/type/name on the first), one finish chunk per
/// choice, the usage chunk when asked, then [DONE].
/// </summary>
internal static class ChatCompletionStreamer
{
    public static async IAsyncEnumerable<string> StreamAsync(IReadOnlyList<GenerationStream> streams, ChatReply reply, ModelHost model, bool includeUsage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var context = OpenAiJsonContext.Default.ChatCompletionChunk;
        var pending = new List<TokenLogprob>?[streams.Count];
        string Chunk(int index, ChatDelta delta, string? finish)
        {
            // Log-probabilities ride on the next chunk of their choice (their text may have been held back).
            var logprobs = LogprobsMapper.ToChat(pending[index], model);
            pending[index] = null;
            return SseSerializer.Serialize(new ChatCompletionChunk(reply.Id, reply.Created, reply.Model, [new ChatChunkChoice(index, delta, logprobs, finish)], null), context);
        }

        for (var i = 0; i < streams.Count; i++) yield return Chunk(i, new ChatDelta("assistant", string.Empty), null);
        var filters = streams.Select(_ => reply.Tools is null ? null : new ToolCallStreamFilter(reply.ToolCallFormat)).ToArray();
        var completionTokens = new int[streams.Count];
        await foreach (var (item, error) in StreamGuard.GuardAsync(ChoiceMerger.Merge(streams, cancellationToken), cancellationToken))
        {
            if (error is not null)
            {
                yield return error;
                yield break;
            }

            var (index, update) = item;
            var filter = filters[index];
            completionTokens[index] = update.CompletionTokens;
            pending[index] = LogprobsMapper.Append(pending[index], update.Logprobs);
            var text = filter is null ? update.Text : filter.Push(update.Text);
            if (text.Length > 0) yield return Chunk(index, new ChatDelta(null, text), null);
            if (update.FinishReason is not { } reason) continue;

            var finish = FinishReasons.ToWire(reason);
            if (filter?.Finish() is { } end)
            {
                if (end.Content is { Length: > 0 } held) yield return Chunk(index, new ChatDelta(null, held), null);
                if (end.Calls.Count > 0)
                {
                    var calls = reply.ToWire(end.Calls);
                    for (var c = 0; c < calls.Count; c++)
                    {
                        yield return Chunk(index, new ChatDelta(null, null, [new ToolCallDelta(c, calls[c].Id, "function", new FunctionDelta(calls[c].Function.Name, string.Empty))]), null);
                        yield return Chunk(index, new ChatDelta(null, null, [new ToolCallDelta(c, null, null, new FunctionDelta(null, calls[c].Function.Arguments))]), null);
                    }
                    finish = "tool_calls";
                }
            }
            yield return Chunk(index, new ChatDelta(null, null), finish);
        }

        if (includeUsage)
        {
            var usage = new Usage(streams[0].PromptTokens, completionTokens.Sum(), new PromptTokensDetails(streams[0].CachedTokens));
            yield return SseSerializer.Serialize(new ChatCompletionChunk(reply.Id, reply.Created, reply.Model, [], usage), context);
        }
        yield return SseSerializer.Done;
    }
}
