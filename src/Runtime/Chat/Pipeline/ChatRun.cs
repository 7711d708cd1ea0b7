using System.Runtime.CompilerServices;
using System.Text;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Chat.Pipeline;

/// <summary>
/// A started chat request: every choice is queued. Read its events once, streamed (<see cref="ReadEventsAsync"/>) or
/// collected (<see cref="CollectAsync"/>); both go through the same decoding.
/// </summary>
public sealed class ChatRun
{
    private readonly IReadOnlyList<GenerationStream> _streams;
    private readonly ChatChoiceDecoder[] _decoders;
    private int _read;

    internal ChatRun(IReadOnlyList<GenerationStream> streams, ChatChoiceDecoder[] decoders)
    {
        _streams = streams;
        _decoders = decoders;
    }

    /// <summary>Gets the number of choices.</summary>
    public int Choices => _streams.Count;

    /// <summary>Gets the prompt's token count.</summary>
    public int PromptTokens => _streams[0].PromptTokens;

    /// <summary>Gets the token counts so far; final once the events have ended.</summary>
    public ChatUsage Usage => new(PromptTokens, _streams[0].CachedTokens, _decoders.Sum(d => d.CompletionTokens), _decoders.Sum(d => d.ReasoningTokens));

    /// <summary>Reads the events of every choice as they are generated, until each choice has finished.</summary>
    /// <exception cref="InvalidOperationException">The events were already read.</exception>
    public async IAsyncEnumerable<ChatEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _read, 1) != 0) throw new InvalidOperationException("A chat run's events can be read once.");
        var events = new List<ChatEvent>(4);
        await foreach (var (index, update) in ChoiceMerger.Merge(_streams, cancellationToken).ConfigureAwait(false))
        {
            events.Clear();
            _decoders[index].Push(update, events);
            foreach (var item in events) yield return item;
        }
    }

    /// <summary>Reads every event and returns the whole result.</summary>
    public async Task<ChatResult> CollectAsync(CancellationToken cancellationToken = default)
    {
        var texts = new StringBuilder[Choices];
        var reasoning = new StringBuilder?[Choices];
        var calls = new List<ParsedToolCall>[Choices];
        var logprobs = new List<TokenLogprob>?[Choices];
        var finishes = new ChatChoiceFinished?[Choices];
        for (var i = 0; i < Choices; i++)
        {
            texts[i] = new StringBuilder();
            calls[i] = [];
        }
        await foreach (var item in ReadEventsAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (item)
            {
                case ChatTextDelta text: texts[text.Choice].Append(text.Text); break;
                case ChatReasoningDelta thought: (reasoning[thought.Choice] ??= new StringBuilder()).Append(thought.Text); break;
                case ChatLogprobsDelta tokens: (logprobs[tokens.Choice] ??= []).AddRange(tokens.Tokens); break;
                case ChatToolCallEvent call: calls[call.Choice].Add(call.Call); break;
                case ChatChoiceFinished finish: finishes[finish.Choice] = finish; break;
            }
        }
        var choices = new ChatChoiceResult[Choices];
        for (var i = 0; i < choices.Length; i++)
        {
            var finish = finishes[i] ?? new ChatChoiceFinished(i, ChatFinishReason.Stop, _decoders[i].CompletionTokens, _decoders[i].ReasoningTokens);
            var content = texts[i].Length == 0 && calls[i].Count > 0 ? null : texts[i].ToString();
            choices[i] = new ChatChoiceResult(i, content, reasoning[i]?.ToString(), calls[i], finish.Reason, logprobs[i], finish.CompletionTokens, finish.ReasoningTokens);
        }
        return new ChatResult(choices, Usage);
    }
}
