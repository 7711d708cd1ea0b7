using System.Runtime.CompilerServices;
using Llm.Api.Contracts;
using Llm.Runtime.Chat.Pipeline;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;

namespace Llm.Api.Generation;

/// <summary>
/// Maps a chat run's events to chat completion chunks: each choice's role first, text and reasoning as they come,
/// tool calls whole at the end (index on every delta, id/type/name on the first), one finish chunk per choice, the
/// usage chunk when asked, then [DONE].
/// </summary>
internal static class ChatCompletionStreamer
{
    public static async IAsyncEnumerable<string> StreamAsync(ChatRun run, ChatReply reply, ModelHost model, bool includeUsage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var context = OpenAiJsonContext.Default.ChatCompletionChunk;
        var pending = new List<TokenLogprob>?[run.Choices];
        string Chunk(int index, ChatDelta delta, string? finish)
        {
            // Log-probabilities ride on the next chunk of their choice (their text may have been held back).
            var logprobs = LogprobsMapper.ToChat(pending[index], model);
            pending[index] = null;
            return SseSerializer.Serialize(new ChatCompletionChunk(reply.Id, reply.Created, reply.Model, [new ChatChunkChoice(index, delta, logprobs, finish)], null), context);
        }

        for (var i = 0; i < run.Choices; i++) yield return Chunk(i, new ChatDelta("assistant", string.Empty), null);
        var calls = new int[run.Choices];
        await foreach (var (item, error) in StreamGuard.GuardAsync(run.ReadEventsAsync(cancellationToken), cancellationToken))
        {
            if (error is not null)
            {
                yield return error;
                yield break;
            }
            switch (item)
            {
                case ChatLogprobsDelta tokens:
                    (pending[tokens.Choice] ??= []).AddRange(tokens.Tokens);
                    break;
                case ChatTextDelta text:
                    yield return Chunk(text.Choice, new ChatDelta(null, text.Text), null);
                    break;
                case ChatReasoningDelta thought:
                    yield return Chunk(thought.Choice, new ChatDelta(null, null, ReasoningContent: thought.Text), null);
                    break;
                case ChatToolCallEvent call:
                    var id = reply.NewCallId();
                    yield return Chunk(call.Choice, new ChatDelta(null, null, [new ToolCallDelta(call.Index, id, "function", new FunctionDelta(call.Call.Name, string.Empty))]), null);
                    yield return Chunk(call.Choice, new ChatDelta(null, null, [new ToolCallDelta(call.Index, null, null, new FunctionDelta(null, call.Call.Arguments))]), null);
                    break;
                case ChatChoiceFinished finish:
                    yield return Chunk(finish.Choice, new ChatDelta(null, null), FinishReasons.ToWire(finish.Reason));
                    break;
            }
        }

        if (includeUsage) yield return SseSerializer.Serialize(new ChatCompletionChunk(reply.Id, reply.Created, reply.Model, [], reply.Usage(run.Usage)), context);
        yield return SseSerializer.Done;
    }
}
