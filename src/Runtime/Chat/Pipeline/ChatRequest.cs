using System.Text.Json;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Chat.Pipeline;

/// <summary>
/// A chat request in no protocol's terms: what every protocol adapter (chat completions, Responses, Anthropic
/// Messages) and the in-process <c>IChatClient</c> map their request to before <see cref="ChatPipeline.Start"/>.
/// </summary>
public sealed record ChatRequest
{
    /// <summary>Gets the conversation, already validated (roles, tool-call ids) by the protocol adapter.</summary>
    public required IReadOnlyList<ChatPromptMessage> Messages { get; init; }

    /// <summary>Gets the tools the model may call, or null when the request uses none.</summary>
    public ChatToolOptions? Tools { get; init; }

    /// <summary>Gets the shape a content answer must take; null (or <see cref="ChatOutputFormat.Text"/>) for free text.</summary>
    public ChatOutputFormat? OutputFormat { get; init; }

    /// <summary>Gets the sampling parameters; their <see cref="SamplingParams.Grammar"/> is set by the pipeline and must be null.</summary>
    public SamplingParams Sampling { get; init; } = SamplingParams.Default;

    /// <summary>Gets the most tokens each choice may generate, reasoning included; null: up to the end of the context.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Gets the stop strings; each choice ends before the first one and it is not returned.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Gets how many alternatives to report with each token's log-probability; null reports none.</summary>
    public int? Logprobs { get; init; }

    /// <summary>Gets the number of choices to generate (at least 1). With a seed, choice <c>i</c> samples with seed + i.</summary>
    public int Choices { get; init; } = 1;

    /// <summary>Gets a value indicating whether the template appends the assistant's header (true unless continuing).</summary>
    public bool AddGenerationPrompt { get; init; } = true;

    /// <summary>Gets a value indicating whether the last message, the assistant's, is continued rather than answered.</summary>
    public bool ContinueFinalMessage { get; init; }

    /// <summary>Gets the extra top-level template variables (already merged with the server's defaults), or null.</summary>
    public IReadOnlyDictionary<string, JsonElement>? TemplateVariables { get; init; }

    /// <summary>Gets how the model's thinking is asked for and separated from the answer.</summary>
    public ChatReasoningOptions Reasoning { get; init; } = ChatReasoningOptions.Default;

    /// <summary>Gets the prefix-cache partition of every choice (see <see cref="GenerationRequest.CachePartition"/>).</summary>
    public string CachePartition { get; init; } = string.Empty;

    /// <summary>
    /// Gets a value indicating whether updates are delivered on the engine thread (see
    /// <see cref="GenerationRequest.InlineUpdates"/>): only for readers that format and write each event without blocking.
    /// </summary>
    public bool InlineUpdates { get; init; }
}
