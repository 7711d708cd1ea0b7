using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Chat.Pipeline;

/// <summary>
/// Turns one choice's generation updates into events: text lets through what is certainly not a tool call, tool calls
/// come whole at the end, then the finish. The one place output is split, for every protocol.
/// </summary>
/// <remarks>Not thread-safe: one per choice, fed in order.</remarks>
internal sealed class ChatChoiceDecoder(int choice, ChatToolOptions? tools, ToolCallFormat format)
{
    private readonly ToolCallStreamFilter? _tools = tools is null ? null : new ToolCallStreamFilter(format);

    /// <summary>Gets the tokens generated so far.</summary>
    public int CompletionTokens { get; private set; }

    /// <summary>Gets the tokens of thinking so far.</summary>
    public int ReasoningTokens { get; private set; }

    /// <summary>Adds the events of one update to <paramref name="events"/>.</summary>
    public void Push(GenerationUpdate update, List<ChatEvent> events)
    {
        CompletionTokens = update.CompletionTokens;
        if (update.Logprobs is { Count: > 0 } logprobs) events.Add(new ChatLogprobsDelta(choice, logprobs));
        var text = _tools is null ? update.Text : _tools.Push(update.Text);
        if (text.Length > 0) events.Add(new ChatTextDelta(choice, text));
        if (update.FinishReason is not { } finish) return;

        var reason = finish == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
        if (_tools?.Finish() is { } end)
        {
            if (end.Content is { Length: > 0 } held) events.Add(new ChatTextDelta(choice, held));
            var calls = tools is { Parallel: false } && end.Calls.Count > 1 ? end.Calls.Take(1).ToArray() : end.Calls;
            for (var i = 0; i < calls.Count; i++) events.Add(new ChatToolCallEvent(choice, i, calls[i]));
            if (calls.Count > 0) reason = ChatFinishReason.ToolCalls;
        }
        events.Add(new ChatChoiceFinished(choice, reason, CompletionTokens, ReasoningTokens));
    }
}
