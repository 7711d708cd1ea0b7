using System.Globalization;
using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Runtime.Inference;

namespace Llm.Api.Generation;

/// <summary>Validates the fields chat and completions share and turns them into engine parameters.</summary>
internal static class SamplingMapper
{
    private const int MaxStops = 16;

    /// <summary>Checks ranges and builds sampling parameters; every error names its parameter.</summary>
    public static SamplingParams ToSamplingParams(ISamplingRequest request)
    {
        Check(request.Temperature, 0, 2, "temperature");
        Check(request.TopP, 0, 1, "top_p");
        Check(request.MinP, 0, 1, "min_p");
        Check(request.PresencePenalty, -2, 2, "presence_penalty");
        Check(request.FrequencyPenalty, -2, 2, "frequency_penalty");
        Check(request.RepeatPenalty, 0, 10, "repeat_penalty");
        if (request.TopK is < -1) throw OpenAiException.OutOfRange("top_k", "must be -1 or 0 (disabled) or a positive number");
        if (request.StreamOptions is not null && request.Stream != true)
            throw OpenAiException.InvalidRequest("The 'stream_options' parameter is only allowed when 'stream' is true.", "stream_options");

        return new SamplingParams
        {
            Temperature = request.Temperature ?? 1f,
            TopP = request.TopP ?? 1f,
            TopK = Math.Max(0, request.TopK ?? 0),
            MinP = request.MinP ?? 0f,
            PresencePenalty = request.PresencePenalty ?? 0f,
            FrequencyPenalty = request.FrequencyPenalty ?? 0f,
            RepeatPenalty = request.RepeatPenalty ?? 1f,
            Seed = request.Seed is { } seed ? unchecked((ulong)seed) : null,
            LogitBias = LogitBias(request.LogitBias),
        };
    }

    /// <summary>Validates <c>n</c> against the configured maximum.</summary>
    public static int Choices(ISamplingRequest request, int max)
    {
        if (request.N is { } n && (n < 1 || n > max)) throw OpenAiException.OutOfRange("n", $"must be between 1 and {max}");
        return request.N ?? 1;
    }

    /// <summary>Validates the stop strings.</summary>
    public static IReadOnlyList<string> Stops(ISamplingRequest request)
    {
        var stops = request.Stop ?? [];
        if (stops.Count > MaxStops) throw OpenAiException.OutOfRange("stop", $"at most {MaxStops} stop sequences are allowed");
        return stops;
    }

    /// <summary>Validates a token limit.</summary>
    public static int? MaxTokens(int? value, string param)
    {
        if (value is < 1) throw OpenAiException.OutOfRange(param, "must be at least 1");
        return value;
    }

    /// <summary>Returns the model name or a 400 when it is missing.</summary>
    public static string Model(ISamplingRequest request)
        => string.IsNullOrWhiteSpace(request.Model) ? throw OpenAiException.InvalidRequest("You must provide a model parameter.", "model") : request.Model;

    private static void Check(float? value, float min, float max, string param)
    {
        if (value is { } v && (float.IsNaN(v) || v < min || v > max))
            throw OpenAiException.OutOfRange(param, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");
    }

    // OpenAI biases are -100..100 added to logits; -100 is documented as a ban, so it becomes one (finite: see BannedBias).
    private static Dictionary<int, float> LogitBias(IReadOnlyDictionary<string, float>? biases)
    {
        var result = new Dictionary<int, float>();
        if (biases is null) return result;
        foreach (var (key, bias) in biases)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var token))
                throw OpenAiException.InvalidRequest($"Invalid key '{key}' in 'logit_bias': keys must be token ids.", "logit_bias");
            if (float.IsNaN(bias) || bias < -100 || bias > 100)
                throw OpenAiException.OutOfRange("logit_bias", "biases must be between -100 and 100");
            result[token] = bias <= -100 ? SamplingParams.BannedBias : bias;
        }
        return result;
    }
}
