using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Chat.Pipeline;

/// <summary>A whole chat run, collected from its events (<see cref="ChatRun.CollectAsync"/>).</summary>
/// <param name="Choices">The choices, by index.</param>
/// <param name="Usage">The token counts.</param>
public sealed record ChatResult(IReadOnlyList<ChatChoiceResult> Choices, ChatUsage Usage);

/// <summary>One collected choice.</summary>
/// <param name="Index">The choice index.</param>
/// <param name="Content">The answer text; null when the choice only called tools.</param>
/// <param name="Reasoning">The thinking, or null when there was none (or it was not separated).</param>
/// <param name="ToolCalls">The tool calls, possibly none.</param>
/// <param name="FinishReason">Why it ended.</param>
/// <param name="Logprobs">The tokens' log-probabilities when asked for, else null.</param>
/// <param name="CompletionTokens">Tokens generated, reasoning included.</param>
/// <param name="ReasoningTokens">Of those, tokens of thinking.</param>
public sealed record ChatChoiceResult(int Index, string? Content, string? Reasoning, IReadOnlyList<ParsedToolCall> ToolCalls, ChatFinishReason FinishReason,
    IReadOnlyList<TokenLogprob>? Logprobs, int CompletionTokens, int ReasoningTokens);
