namespace Llm.Api.Contracts;

/// <summary>Token counts of a request.</summary>
public sealed record Usage(int PromptTokens, int CompletionTokens, PromptTokensDetails PromptTokensDetails)
{
    public int TotalTokens => PromptTokens + CompletionTokens;

    public CompletionTokensDetails CompletionTokensDetails { get; init; } = CompletionTokensDetails.None;
}

/// <summary>Details of the prompt tokens.</summary>
public sealed record PromptTokensDetails(int CachedTokens)
{
    public int AudioTokens => 0;
}

/// <summary>Details of the completion tokens: of them, the tokens of the model's thinking.</summary>
public sealed record CompletionTokensDetails(int ReasoningTokens = 0)
{
    public static CompletionTokensDetails None { get; } = new();
    public int AudioTokens => 0;
    public int AcceptedPredictionTokens => 0;
    public int RejectedPredictionTokens => 0;
}
