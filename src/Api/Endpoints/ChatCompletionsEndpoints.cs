using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Api.Generation;
using Llm.Api.Hosting;
using Llm.Api.Streaming;
using Llm.Runtime.Chat.Pipeline;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>, streamed or not, with tool calls and reasoning: maps the request to the chat pipeline and its events back.</summary>
public static class ChatCompletionsEndpoints
{
    public static IEndpointRouteBuilder MapChatCompletions(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/chat/completions", CreateAsync).WithMetadata(ParameterNames.Chat);
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
        var output = ResponseFormatMapper.Map(request.ResponseFormat);
        var sampling = SamplingMapper.ToSamplingParams(request);
        var choices = SamplingMapper.Choices(request, options.MaxN);
        var stops = SamplingMapper.Stops(request);
        var maxTokens = SamplingMapper.MaxTokens(request.MaxCompletionTokens, "max_completion_tokens")
                        ?? SamplingMapper.MaxTokens(request.MaxTokens, "max_tokens");
        var cachePartition = CachePartitionMapper.For(http, request.CacheSalt, options);

        var model = models.Get(modelName);
        var render = ChatRenderMapper.ToRenderOptions(request.ChatTemplateKwargs, request.AddGenerationPrompt, request.ContinueFinalMessage, turns,
            model.Template, options.DefaultTemplateVariables(), tools?.Tools);
        var run = ChatPipeline.Start(model, new ChatRequest
        {
            Messages = turns,
            Tools = tools,
            OutputFormat = output,
            Sampling = sampling,
            MaxTokens = maxTokens,
            Stop = stops,
            Logprobs = request.Logprobs == true ? request.TopLogprobs ?? 0 : null,
            Choices = choices,
            AddGenerationPrompt = render.AddGenerationPrompt,
            ContinueFinalMessage = render.ContinueFinalMessage,
            TemplateVariables = render.TemplateVariables,
            CachePartition = cachePartition,
            // Inline: the SSE writer only formats a chunk and writes it to the socket (see GenerationRequest.InlineUpdates).
            InlineUpdates = true,
        }, cancellationToken);

        var reply = new ChatReply(ResponseIds.New("chatcmpl-"), ResponseIds.Now(), modelName);
        if (request.Stream == true)
            return new SseResult(SseEvents.Data(ChatCompletionStreamer.StreamAsync(run, reply, model, request.StreamOptions?.IncludeUsage == true, cancellationToken)));

        var result = await run.CollectAsync(cancellationToken);
        var answers = result.Choices
            .Select(c => new ChatChoice(c.Index, reply.Message(c), LogprobsMapper.ToChat(c.Logprobs, model), FinishReasons.ToWire(c.FinishReason)))
            .ToArray();
        return TypedResults.Ok(new ChatCompletionResponse(reply.Id, reply.Created, modelName, answers, reply.Usage(result.Usage)));
    }
}
