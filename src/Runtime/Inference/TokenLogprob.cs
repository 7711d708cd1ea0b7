namespace Llm.Runtime.Inference;

/// <summary>The log-probability of a sampled token under the model's distribution, with the most likely alternatives.</summary>
/// <param name="Token">The sampled token.</param>
/// <param name="Logprob">Its natural log-probability (from the raw logits: before temperature, penalties or grammar).</param>
/// <param name="Top">The most likely tokens at that position, most likely first.</param>
public sealed record TokenLogprob(int Token, float Logprob, IReadOnlyList<TopLogprob> Top);

/// <summary>An alternative token and its log-probability.</summary>
public readonly record struct TopLogprob(int Token, float Logprob);
