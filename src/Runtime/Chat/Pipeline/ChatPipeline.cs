using Llm.Runtime.Errors;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;

namespace Llm.Runtime.Chat.Pipeline;

/// <summary>
/// The one chat pipeline every protocol and the in-process client share: conversation -> the model's chat template ->
/// tools, output grammar and reasoning setup -> the engine, and back as <see cref="ChatEvent"/>s.
/// </summary>
/// <remarks>
/// Everything that can refuse a request happens in <see cref="Start"/>, before the caller has answered anything, so a
/// protocol can still send its error status. Errors are typed and name the request's parts in no protocol's terms.
/// </remarks>
public static class ChatPipeline
{
    /// <summary>Renders, tokenizes and queues every choice of a chat request.</summary>
    /// <param name="model">The model; it must stay loaded until the run's events end (the caller holds it).</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels rendering, tokenizing and every choice.</param>
    /// <returns>The run, whose events are read once.</returns>
    /// <exception cref="ChatTemplateException">The template failed on this conversation.</exception>
    /// <exception cref="ChatTemplateVariableException">The template variables are unusable.</exception>
    /// <exception cref="ChatRequestException">A schema, grammar or reasoning option cannot be used.</exception>
    /// <exception cref="ContextLengthExceededException">The prompt and the requested tokens cannot fit.</exception>
    /// <exception cref="InvalidInputException">The prompt or a token bias is unusable, or the model cannot generate.</exception>
    /// <exception cref="QueueFullException">The engine is saturated.</exception>
    public static ChatRun Start(ModelHost model, ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Choices, 1, nameof(request));
        if (request.Sampling.Grammar is not null) throw new ArgumentException("The pipeline sets the grammar; ChatRequest.Sampling.Grammar must be null.", nameof(request));
        model.EnsureCanGenerate();

        var format = model.Template.ToolCallFormat;
        var renderOptions = new ChatRenderOptions
        {
            AddGenerationPrompt = request.AddGenerationPrompt && !request.ContinueFinalMessage,
            ContinueFinalMessage = request.ContinueFinalMessage,
            Tools = request.Tools?.Tools,
            TemplateVariables = request.TemplateVariables,
        };
        var rendered = model.RenderChat(request.Messages, renderOptions, cancellationToken);
        PromptBudget.EnsureFits(model, rendered.Text, request.MaxTokens);
        var prompt = model.TokenizeChat(rendered, cancellationToken);
        var template = new GenerationRequest
        {
            PromptTokens = prompt,
            MaxTokens = request.MaxTokens,
            Sampling = request.Sampling with { Grammar = ChatOutputGrammar.Build(request.Tools, request.OutputFormat, format) },
            Stop = request.Stop,
            Logprobs = request.Logprobs,
            PreservedTokens = request.Tools is null ? [] : model.ToolCallMarkerTokens,
            CachePartition = request.CachePartition,
            InlineUpdates = request.InlineUpdates,
        };
        List<GenerationStream> streams;
        try
        {
            streams = ChoiceSubmitter.Submit(model, [prompt], request.Choices, template, cancellationToken);
        }
        catch (GrammarRejectedException ex)
        {
            var part = request.Tools is { Choice: not ToolChoice.Auto } ? ChatRequestPart.Tools : ChatRequestPart.OutputFormat;
            throw new ChatRequestException(part, $"The {(part == ChatRequestPart.Tools ? "tools" : "output format")} cannot be enforced: {ex.Message}", "invalid_grammar", ex);
        }
        var decoders = new ChatChoiceDecoder[streams.Count];
        for (var i = 0; i < decoders.Length; i++) decoders[i] = new ChatChoiceDecoder(i, request.Tools, format);
        return new ChatRun(streams, decoders);
    }
}
