namespace Llm.Runtime.Inference;

/// <summary>
/// How the next token is chosen. Defaults follow the OpenAI API (temperature 1, top_p 1, nothing else),
/// not llama.cpp's, so a request means the same here as in the cloud.
/// </summary>
public sealed record SamplingParams
{
    /// <summary>Gets the temperature; 0 means greedy.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Gets the nucleus probability mass; 1 disables it.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Gets the number of most likely tokens kept; 0 disables it.</summary>
    public int TopK { get; init; }

    /// <summary>Gets the minimum probability relative to the most likely token; 0 disables it.</summary>
    public float MinP { get; init; }

    /// <summary>Gets the seed of the random draw; null picks a random one.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Gets the OpenAI presence penalty (-2..2).</summary>
    public float PresencePenalty { get; init; }

    /// <summary>Gets the OpenAI frequency penalty (-2..2).</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Gets llama.cpp's multiplicative repeat penalty; 1 disables it.</summary>
    public float RepeatPenalty { get; init; } = 1f;

    /// <summary>Gets how many recent tokens the penalties look at.</summary>
    public int PenaltyLastN { get; init; } = 64;

    /// <summary>Gets biases added to the logits of token ids; negative infinity bans a token.</summary>
    public IReadOnlyDictionary<int, float> LogitBias { get; init; } = new Dictionary<int, float>();

    /// <summary>Gets a grammar the output must follow (structured output, forced tool calls), or null.</summary>
    public GrammarSpec? Grammar { get; init; }

    /// <summary>Gets the default parameters.</summary>
    public static SamplingParams Default { get; } = new();

    /// <summary>Gets a value indicating whether the choice is deterministic argmax.</summary>
    public bool IsGreedy => Temperature <= 0f;

    /// <summary>Gets a value indicating whether any penalty is active.</summary>
    public bool HasPenalties => PresencePenalty != 0f || FrequencyPenalty != 0f || RepeatPenalty != 1f;
}
