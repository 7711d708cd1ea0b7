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

    /// <summary>
    /// Gets biases added to the logits of token ids; <see cref="BannedBias"/> (or anything lower, infinity included)
    /// bans a token. Biases are clamped to ±<see cref="BannedBias"/> when the sampler is built.
    /// </summary>
    public IReadOnlyDictionary<int, float> LogitBias { get; init; } = new Dictionary<int, float>();

    /// <summary>Gets a grammar the output must follow (structured output, forced tool calls), or null.</summary>
    public GrammarSpec? Grammar { get; init; }

    /// <summary>Gets the default parameters.</summary>
    public static SamplingParams Default { get; } = new();

    /// <summary>
    /// The bias that bans a token: -1e6, finite on purpose. A ban of -infinity would leave no candidate at all
    /// when every token the grammar allows is banned, and llama.cpp then draws a token the grammar forbids and
    /// aborts the process while accepting it. A finite ban still makes a banned token's probability 0 (e^-1e6)
    /// beside any token not banned, yet keeps the grammar's choice when nothing else remains.
    /// </summary>
    public const float BannedBias = -1e6f;

    /// <summary>
    /// Temperatures below this are greedy: dividing logits (or a <see cref="BannedBias"/>) by a smaller one can overflow
    /// to infinities, whose differences are NaN, and a NaN distribution may draw a token the grammar forbids.
    /// </summary>
    public const float MinTemperature = 1e-3f;

    /// <summary>Gets a value indicating whether the choice is deterministic argmax (temperature below <see cref="MinTemperature"/>).</summary>
    public bool IsGreedy => !(Temperature >= MinTemperature);

    /// <summary>Gets a value indicating whether any penalty is active.</summary>
    public bool HasPenalties => PresencePenalty != 0f || FrequencyPenalty != 0f || RepeatPenalty != 1f;
}
