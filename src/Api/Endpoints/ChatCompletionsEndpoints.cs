using System.Runtime.CompilerServices;
using System.Text;
using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Api.Generation;
using Llm.Runtime.Errors;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>, streamed or not.</summary>
public static class ChatCompletionsEndpoints
{
    public static IEndpointRouteBuilder MapChatCompletions(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/chat/completions", CreateAsync);
        return routes;
    }

    private static async Task<Results<Ok<ChatCompletionResponse>, ServerSentEventsResult<string>>> CreateAsync(
        HttpContext http, ModelRegistry models, CancellationToken cancellationToken)
    {
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.ChatCompletionRequest, cancellationToken);
        var modelName = SamplingMapper.Model(request);
        var turns = ChatPromptMapper.ToPrompt(request.Messages);
        ChatPromptMapper.RejectUnsupported(request);
        var sampling = SamplingMapper.ToSamplingParams(request);
        var stops = SamplingMapper.Stops(request);
        var maxTokens = SamplingMapper.MaxTokens(request.MaxCompletionTokens, "max_completion_tokens")
                        ?? SamplingMapper.MaxTokens(request.MaxTokens, "max_tokens");

        var model = models.Get(modelName);
        var prompt = model.Tokenize(model.Template.Render(turns), addSpecial: true, parseSpecial: true);
        GenerationStream stream;
        try
        {
            stream = model.Submit(new GenerationRequest { PromptTokens = prompt, MaxTokens = maxTokens, Sampling = sampling, Stop = stops }, cancellationToken);
        }
        catch (ContextLengthExceededException ex)
        {
            throw OpenAiException.InvalidRequest(ex.Message, "messages", "context_length_exceeded");
        }

        var id = ResponseIds.New("chatcmpl-");
        var created = ResponseIds.Now();
        if (request.Stream == true)
        {
            var includeUsage = request.StreamOptions?.IncludeUsage == true;
            return TypedResults.ServerSentEvents(StreamAsync(stream, id, created, modelName, includeUsage, cancellationToken));
        }

        var text = new StringBuilder();
        GenerationUpdate last = default;
        await foreach (var update in stream.ReadAllAsync(cancellationToken))
        {
            text.Append(update.Text);
            last = update;
        }
        var choice = new ChatChoice(0, new AssistantMessage(text.ToString()), null, FinishReasons.ToWire(last.FinishReason ?? FinishReason.Stop));
        return TypedResults.Ok(new ChatCompletionResponse(id, created, modelName, [choice], new Usage(stream.PromptTokens, last.CompletionTokens, new PromptTokensDetails(stream.CachedTokens))));
    }

    private static async IAsyncEnumerable<string> StreamAsync(
        GenerationStream stream, string id, long created, string model, bool includeUsage, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var context = OpenAiJsonContext.Default.ChatCompletionChunk;
        string Chunk(ChatDelta delta, string? finish) =>
            SseSerializer.Serialize(new ChatCompletionChunk(id, created, model, [new ChatChunkChoice(0, delta, null, finish)], null), context);

        yield return Chunk(new ChatDelta("assistant", string.Empty), null);
        await using var updates = stream.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var completionTokens = 0;
        while (true)
        {
            GenerationUpdate update;
            string? failure = null;
            try
            {
                if (!await updates.MoveNextAsync()) break;
                update = updates.Current;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = SseSerializer.Error(ex);
                update = default;
            }
            if (failure is not null)
            {
                yield return failure;
                yield break;
            }

            if (update.Text.Length > 0) yield return Chunk(new ChatDelta(null, update.Text), null);
            completionTokens = update.CompletionTokens;
            if (update.FinishReason is { } reason) yield return Chunk(new ChatDelta(null, null), FinishReasons.ToWire(reason));
        }

        if (includeUsage)
        {
            var usage = new Usage(stream.PromptTokens, completionTokens, new PromptTokensDetails(stream.CachedTokens));
            yield return SseSerializer.Serialize(new ChatCompletionChunk(id, created, model, [], usage), context);
        }
        yield return SseSerializer.Done;
    }
}
