namespace Llm.Api.Contracts;

/// <summary>
/// A completions prompt: one or more prompts, each text or token ids. Each prompt becomes its own choice.
/// </summary>
/// <param name="Texts">Text prompts, when the client sent strings.</param>
/// <param name="TokenLists">Token-id prompts, when the client sent integers.</param>
public sealed record PromptInput(IReadOnlyList<string>? Texts, IReadOnlyList<IReadOnlyList<int>>? TokenLists)
{
    /// <summary>Gets the number of prompts.</summary>
    public int Count => Texts?.Count ?? TokenLists?.Count ?? 0;
}
