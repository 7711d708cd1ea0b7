namespace Llm.Runtime.Inference;

/// <summary>One sequence to generate: a tokenized prompt and how to continue it.</summary>
public sealed record GenerationRequest
{
    /// <summary>Gets the prompt tokens (already including BOS where the model wants it).</summary>
    public required IReadOnlyList<int> PromptTokens { get; init; }

    /// <summary>Gets the most tokens to generate; null means up to the end of the context.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Gets the sampling parameters.</summary>
    public SamplingParams Sampling { get; init; } = SamplingParams.Default;

    /// <summary>Gets how many alternatives to report with each token's log-probability; null reports none.</summary>
    public int? Logprobs { get; init; }

    /// <summary>Gets the stop strings; generation ends before the first one and it is not returned.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];
}
