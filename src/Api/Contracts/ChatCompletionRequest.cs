using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>The body of <c>POST /v1/chat/completions</c>, as the OpenAI API defines it.</summary>
public sealed record ChatCompletionRequest : ISamplingRequest
{
    public string? Model { get; init; }
    public IReadOnlyList<ChatMessageDto>? Messages { get; init; }
    public int? MaxTokens { get; init; }
    public int? MaxCompletionTokens { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? N { get; init; }

    [JsonConverter(typeof(StopConverter))]
    public IReadOnlyList<string>? Stop { get; init; }

    public long? Seed { get; init; }
    public float? PresencePenalty { get; init; }
    public float? FrequencyPenalty { get; init; }
    public IReadOnlyDictionary<string, float>? LogitBias { get; init; }
    public bool? Logprobs { get; init; }
    public int? TopLogprobs { get; init; }
    public bool? Stream { get; init; }
    public StreamOptions? StreamOptions { get; init; }
    public string? User { get; init; }

    /// <summary>Gets vLLM's prefix-cache salt: requests reuse cached prompt prefixes only with requests of the same tenant and salt.</summary>
    public string? CacheSalt { get; init; }

    /// <summary>Gets extra top-level variables of the chat template (vLLM's and llama-server's field), e.g. <c>{"enable_thinking":false}</c>.</summary>
    public JsonElement? ChatTemplateKwargs { get; init; }

    /// <summary>Gets a value indicating whether the prompt ends with the assistant's header (vLLM's field; default true, false with <see cref="ContinueFinalMessage"/>).</summary>
    public bool? AddGenerationPrompt { get; init; }

    /// <summary>Gets a value indicating whether the final assistant message is continued rather than answered (vLLM's assistant prefill).</summary>
    public bool? ContinueFinalMessage { get; init; }

    // llama.cpp sampling extensions, as llama-server and vLLM accept them.
    public int? TopK { get; init; }
    public float? MinP { get; init; }
    public float? RepeatPenalty { get; init; }

    // Known OpenAI fields this server does not implement yet: present means a 400 naming them.
    public JsonElement? Tools { get; init; }
    public JsonElement? ToolChoice { get; init; }
    public JsonElement? ResponseFormat { get; init; }
    public JsonElement? Functions { get; init; }
    public JsonElement? FunctionCall { get; init; }
    public JsonElement? Audio { get; init; }
    public JsonElement? Modalities { get; init; }
    public JsonElement? Prediction { get; init; }
    public JsonElement? WebSearchOptions { get; init; }
    public bool? ParallelToolCalls { get; init; }

    // llama-server's raw GBNF extension.
    public JsonElement? Grammar { get; init; }
}
