using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Chat.Pipeline;

/// <summary>
/// What a chat run produces, in order for each choice: text, reasoning and log-probability deltas as they are
/// generated, then the choice's tool calls (whole), then its <see cref="ChatChoiceFinished"/>. Choices interleave.
/// </summary>
/// <param name="Choice">The choice the event belongs to, from 0.</param>
public abstract record ChatEvent(int Choice);

/// <summary>Answer text, safe to show (never part of a stop string, a tool call or a reasoning marker).</summary>
public sealed record ChatTextDelta(int Choice, string Text) : ChatEvent(Choice);

/// <summary>Thinking text, apart from the answer.</summary>
public sealed record ChatReasoningDelta(int Choice, string Text) : ChatEvent(Choice);

/// <summary>Log-probabilities of tokens sampled since the previous ones; their text may come in a later delta.</summary>
public sealed record ChatLogprobsDelta(int Choice, IReadOnlyList<TokenLogprob> Tokens) : ChatEvent(Choice);

/// <summary>A complete tool call.</summary>
/// <param name="Index">The call's position among the choice's calls, from 0.</param>
/// <param name="Call">The function name and its arguments as compact JSON text.</param>
public sealed record ChatToolCallEvent(int Choice, int Index, ParsedToolCall Call) : ChatEvent(Choice);

/// <summary>The end of a choice.</summary>
/// <param name="Reason">Why it ended.</param>
/// <param name="CompletionTokens">Tokens it generated, reasoning included.</param>
/// <param name="ReasoningTokens">Of those, the tokens of its thinking.</param>
public sealed record ChatChoiceFinished(int Choice, ChatFinishReason Reason, int CompletionTokens, int ReasoningTokens) : ChatEvent(Choice);

/// <summary>Why a choice ended.</summary>
public enum ChatFinishReason
{
    /// <summary>An end-of-generation token or a stop string.</summary>
    Stop,

    /// <summary>The token limit, or the end of the context.</summary>
    Length,

    /// <summary>The model called tools.</summary>
    ToolCalls,
}
