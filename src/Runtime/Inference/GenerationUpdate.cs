namespace Llm.Runtime.Inference;

/// <summary>
/// A step of a generated sequence: new text (possibly empty when a token only completed part of a
/// character or part of a possible stop string) and, on the last update, the finish reason.
/// </summary>
/// <param name="Text">The text that is safe to show, never part of a stop string.</param>
/// <param name="CompletionTokens">Tokens generated so far.</param>
/// <param name="FinishReason">Set on the last update only.</param>
/// <param name="Logprobs">Log-probabilities of the tokens sampled since the previous update, when the request asked for them.</param>
public readonly record struct GenerationUpdate(string Text, int CompletionTokens, FinishReason? FinishReason, IReadOnlyList<TokenLogprob>? Logprobs = null);
