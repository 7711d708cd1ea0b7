namespace Llm.Api.Contracts;

/// <summary>The sampling fields chat and legacy completions share.</summary>
public interface ISamplingRequest
{
    string? Model { get; }
    float? Temperature { get; }
    float? TopP { get; }
    int? TopK { get; }
    float? MinP { get; }
    float? PresencePenalty { get; }
    float? FrequencyPenalty { get; }
    float? RepeatPenalty { get; }
    long? Seed { get; }
    IReadOnlyDictionary<string, float>? LogitBias { get; }
    IReadOnlyList<string>? Stop { get; }
    int? N { get; }
    bool? Stream { get; }
    StreamOptions? StreamOptions { get; }
}
