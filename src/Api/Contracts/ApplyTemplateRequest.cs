using System.Text.Json;

namespace Llm.Api.Contracts;

/// <summary>The body of <c>POST /apply-template</c> (llama-server's debugging route of that name).</summary>
public sealed record ApplyTemplateRequest
{
    public string? Model { get; init; }
    public IReadOnlyList<ChatMessageDto>? Messages { get; init; }
    public IReadOnlyList<JsonElement>? Tools { get; init; }
    public bool? AddGenerationPrompt { get; init; }

    /// <summary>Gets extra top-level variables of the chat template, as on chat completions.</summary>
    public JsonElement? ChatTemplateKwargs { get; init; }

    /// <summary>Gets a value indicating whether the final assistant message is left open, as on chat completions.</summary>
    public bool? ContinueFinalMessage { get; init; }

    /// <summary>Gets template text to render with instead of the model's, for template authors.</summary>
    public string? ChatTemplate { get; init; }

    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
}

/// <summary>The rendered prompt and how generation would tokenize it.</summary>
/// <param name="Prompt">The rendered text, with the client's strings exactly as sent.</param>
/// <param name="PromptTokens">How many tokens generation would feed the model for this prompt (BOS included), as <c>usage.prompt_tokens</c> counts them.</param>
/// <param name="ClientControlText">
/// Whether a client string holds text that looks like one of the model's control tokens: generation tokenizes that
/// text as text, so <see cref="Prompt"/> passed to <c>/tokenize</c> with <c>parse_special</c> gives other tokens.
/// </param>
public sealed record ApplyTemplateResponse(string Prompt, int PromptTokens, bool ClientControlText);
