using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>The body of the legacy <c>POST /v1/completions</c>.</summary>
public sealed record CompletionRequest : ISamplingRequest
{
    public string? Model { get; init; }

    [JsonConverter(typeof(PromptInputConverter))]
    public PromptInput? Prompt { get; init; }

    public int? MaxTokens { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? N { get; init; }

    [JsonConverter(typeof(StopConverter))]
    public IReadOnlyList<string>? Stop { get; init; }

    public long? Seed { get; init; }
    public float? PresencePenalty { get; init; }
    public float? FrequencyPenalty { get; init; }
    public IReadOnlyDictionary<string, float>? LogitBias { get; init; }
    public int? Logprobs { get; init; }
    public bool? Echo { get; init; }
    public string? Suffix { get; init; }
    public int? BestOf { get; init; }
    public bool? Stream { get; init; }
    public StreamOptions? StreamOptions { get; init; }
    public string? User { get; init; }

    /// <summary>Gets vLLM's prefix-cache salt: requests reuse cached prompt prefixes only with requests of the same tenant and salt.</summary>
    public string? CacheSalt { get; init; }

    public int? TopK { get; init; }
    public float? MinP { get; init; }
    public float? RepeatPenalty { get; init; }
}
