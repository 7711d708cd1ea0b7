namespace Llm.Api.Contracts;

/// <summary>Options of a streamed response.</summary>
public sealed record StreamOptions
{
    /// <summary>Gets a value indicating whether a final chunk with usage (and no choices) is sent.</summary>
    public bool? IncludeUsage { get; init; }

    /// <summary>Gets OpenAI's obfuscation switch; accepted, nothing to obfuscate here.</summary>
    public bool? IncludeObfuscation { get; init; }
}
