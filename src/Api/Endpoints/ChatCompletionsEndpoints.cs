using System.Text;
using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Api.Generation;
using Llm.Api.Hosting;
using Llm.Api.Streaming;
using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Errors;
using Llm.Runtime.Grammar;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>, streamed or not, with tool calls.</summary>
public static class ChatCompletionsEndpoints
{
    public static IEndpointRouteBuilder MapChatCompletions(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/chat/completions", CreateAsync);
        return routes;
    }

    private static async Task<Results<Ok<ChatCompletionResponse>, SseResult>> CreateAsync(
        HttpContext http, ModelRegistry models, ServerOptions options, CancellationToken cancellationToken)
    {
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.ChatCompletionRequest, cancellationToken);
        var modelName = SamplingMapper.Model(request);
        var turns = ChatPromptMapper.ToPrompt(request.Messages, options.MaxMessages);
        ChatPromptMapper.RejectUnsupported(request);
        var tools = ToolRequestMapper.Map(request);
        var sampling = SamplingMapper.ToSamplingParams(request);
        var choices = SamplingMapper.Choices(request, options.MaxN);
        var stops = SamplingMapper.Stops(request);
        var maxTokens = SamplingMapper.MaxTokens(request.MaxCompletionTokens, "max_completion_tokens")
                        ?? SamplingMapper.MaxTokens(request.MaxTokens, "max_tokens");
        var cachePartition = CachePartitionMapper.For(http, request.CacheSalt, options);

        var model = models.Get(modelName);
        sampling = sampling with { Grammar = OutputGrammar(request, tools, model.Template.ToolCallFormat) };
        var renderOptions = ChatRenderMapper.ToRenderOptions(request.ChatTemplateKwargs, request.AddGenerationPrompt, request.ContinueFinalMessage, turns,
            model.Template, options.DefaultTemplateVariables(), tools?.Tools);
        var rendered = model.RenderChat(turns, renderOptions, cancellationToken);
        PromptBudget.EnsureFits(model, rendered.Text, maxTokens, "messages");
        var prompt = model.TokenizeChat(rendered, cancellationToken);
        var template = new GenerationRequest
        {
            PromptTokens = prompt,
            MaxTokens = maxTokens,
            Sampling = sampling,
            Stop = stops,
            Logprobs = request.Logprobs == true ? request.TopLogprobs ?? 0 : null,
            PreservedTokens = tools is null ? [] : model.ToolCallMarkerTokens,
            CachePartition = cachePartition,
        };
        List<GenerationStream> streams;
        try
        {
            streams = ChoiceSubmitter.Submit(model, [prompt], choices, template, _ => "messages", cancellationToken);
        }
        catch (GrammarRejectedException ex)
        {
            // Before any byte of the response: the grammar is parsed when the request is queued, not when it runs.
            var param = tools is { Mode: not ToolChoiceMode.Auto } ? "tools" : "response_format";
            throw OpenAiException.InvalidRequest($"'{param}' cannot be enforced: {ex.Message}", param, "invalid_grammar");
        }

        var reply = new ChatReply(ResponseIds.New("chatcmpl-"), ResponseIds.Now(), modelName, tools, model.Template.ToolCallFormat);
        if (request.Stream == true)
            return new SseResult(SseEvents.Data(ChatCompletionStreamer.StreamAsync(streams, reply, model, request.StreamOptions?.IncludeUsage == true, cancellationToken)));

        var texts = streams.Select(_ => new StringBuilder()).ToArray();
        var finals = new GenerationUpdate[streams.Count];
        var logprobs = new List<TokenLogprob>?[streams.Count];
        await foreach (var (index, update) in ChoiceMerger.Merge(streams, cancellationToken))
        {
            texts[index].Append(update.Text);
            logprobs[index] = LogprobsMapper.Append(logprobs[index], update.Logprobs);
            finals[index] = update;
        }
        var result = new ChatChoice[streams.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var (message, finish) = reply.Complete(texts[i].ToString(), finals[i].FinishReason ?? FinishReason.Stop);
            result[i] = new ChatChoice(i, message, LogprobsMapper.ToChat(logprobs[i], model), finish);
        }
        var usage = new Usage(streams[0].PromptTokens, finals.Sum(f => f.CompletionTokens), new PromptTokensDetails(streams[0].CachedTokens));
        return TypedResults.Ok(new ChatCompletionResponse(reply.Id, reply.Created, modelName, result, usage));
    }

    // A forced tool call and a response format both constrain the whole output, so only one may be asked for.
    private static GrammarSpec? OutputGrammar(ChatCompletionRequest request, ToolSettings? tools, ToolCallFormat format)
    {
        var responseGrammar = ResponseFormatMapper.ToGrammar(request.ResponseFormat);
        if (tools is not { Mode: not ToolChoiceMode.Auto }) return responseGrammar;
        if (responseGrammar is not null)
            throw OpenAiException.InvalidRequest("'response_format' cannot be combined with a required or named 'tool_choice'.", "response_format");
        try
        {
            return ToolCallGrammar.Build(tools.Tools, format, tools.ForcedName, tools.Parallel);
        }
        catch (JsonSchemaGrammarException ex)
        {
            throw OpenAiException.InvalidRequest($"A tool's parameter schema cannot be enforced: {ex.Message}", "tools", "invalid_json_schema");
        }
    }
}
