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

/// <summary>The legacy <c>POST /v1/completions</c>: each prompt of the request becomes one choice.</summary>
public static class CompletionsEndpoints
{
    private const int DefaultMaxTokens = 16;
    private const int MaxPrompts = 64;

    public static IEndpointRouteBuilder MapCompletions(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/completions", CreateAsync);
        return routes;
    }

    private static async Task<Results<Ok<CompletionResponse>, ServerSentEventsResult<string>>> CreateAsync(
        HttpContext http, ModelRegistry models, CancellationToken cancellationToken)
    {
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.CompletionRequest, cancellationToken);
        var modelName = SamplingMapper.Model(request);
        var prompts = request.Prompt ?? throw OpenAiException.InvalidRequest("Missing required parameter: 'prompt'.", "prompt");
        if (prompts.Count == 0) throw OpenAiException.InvalidRequest("'prompt' must not be empty.", "prompt");
        if (prompts.Count > MaxPrompts) throw OpenAiException.OutOfRange("prompt", $"at most {MaxPrompts} prompts are allowed per request");
        RejectUnsupported(request);
        var sampling = SamplingMapper.ToSamplingParams(request);
        var stops = SamplingMapper.Stops(request);
        var maxTokens = SamplingMapper.MaxTokens(request.MaxTokens, "max_tokens") ?? DefaultMaxTokens;

        var model = models.Get(modelName);
        var streams = Submit(model, prompts, maxTokens, sampling, stops, cancellationToken);
        var id = ResponseIds.New("cmpl-");
        var created = ResponseIds.Now();
        var promptTokens = streams.Sum(s => s.PromptTokens);
        if (request.Stream == true)
        {
            var includeUsage = request.StreamOptions?.IncludeUsage == true;
            return TypedResults.ServerSentEvents(StreamAsync(streams, id, created, modelName, promptTokens, includeUsage, cancellationToken));
        }

        var texts = streams.Select(_ => new StringBuilder()).ToArray();
        var finals = new GenerationUpdate[streams.Count];
        await foreach (var (index, update) in ChoiceMerger.Merge(streams, cancellationToken))
        {
            texts[index].Append(update.Text);
            finals[index] = update;
        }
        var choices = new CompletionChoice[streams.Count];
        for (var i = 0; i < choices.Length; i++)
            choices[i] = new CompletionChoice(texts[i].ToString(), i, null, FinishReasons.ToWire(finals[i].FinishReason ?? FinishReason.Stop));
        var usage = new Usage(promptTokens, finals.Sum(f => f.CompletionTokens), new PromptTokensDetails(streams.Sum(s => s.CachedTokens)));
        return TypedResults.Ok(new CompletionResponse(id, created, modelName, choices, usage));
    }

    private static void RejectUnsupported(CompletionRequest request)
    {
        if (request.Logprobs is < 0 or > 5) throw OpenAiException.OutOfRange("logprobs", "must be between 0 and 5");
        if (request.Logprobs is > 0) throw OpenAiException.Unsupported("logprobs", "Log probabilities");
        if (request.Echo == true) throw OpenAiException.Unsupported("echo", "Echoing the prompt");
        if (!string.IsNullOrEmpty(request.Suffix)) throw OpenAiException.Unsupported("suffix", "Insertion with a suffix");
        if (request.BestOf is < 1 or > 20) throw OpenAiException.OutOfRange("best_of", "must be between 1 and 20");
        if (request.BestOf is > 1) throw OpenAiException.Unsupported("best_of", "Best-of sampling");
    }

    // All prompts are validated and queued before the response starts; if one fails the others are withdrawn.
    private static List<GenerationStream> Submit(ModelHost model, PromptInput prompts, int maxTokens, SamplingParams sampling,
        IReadOnlyList<string> stops, CancellationToken cancellationToken)
    {
        var withdraw = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var streams = new List<GenerationStream>(prompts.Count);
        try
        {
            for (var i = 0; i < prompts.Count; i++)
            {
                IReadOnlyList<int> tokens = prompts.Texts is { } texts
                    ? model.Tokenize(texts[i], addSpecial: true, parseSpecial: true)
                    : prompts.TokenLists![i];
                var param = prompts.Count == 1 ? "prompt" : $"prompt[{i}]";
                if (tokens.Count == 0) throw OpenAiException.InvalidRequest($"'{param}' is empty.", param);
                var request = new GenerationRequest { PromptTokens = tokens, MaxTokens = maxTokens, Sampling = sampling, Stop = stops };
                try
                {
                    streams.Add(model.Submit(request, withdraw.Token));
                }
                catch (ContextLengthExceededException ex)
                {
                    throw OpenAiException.InvalidRequest(ex.Message, param, "context_length_exceeded");
                }
                catch (InvalidInputException ex) when (ex.Parameter == "prompt")
                {
                    throw OpenAiException.InvalidRequest(ex.Message, param);
                }
            }
            return streams;
        }
        catch
        {
            withdraw.Cancel();
            throw;
        }
    }

    private static async IAsyncEnumerable<string> StreamAsync(IReadOnlyList<GenerationStream> streams, string id, long created, string model,
        int promptTokens, bool includeUsage, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var context = OpenAiJsonContext.Default.CompletionResponse;
        var completionTokens = new int[streams.Count];
        await using var updates = ChoiceMerger.Merge(streams, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            (int Index, GenerationUpdate Update) item;
            string? failure = null;
            try
            {
                if (!await updates.MoveNextAsync()) break;
                item = updates.Current;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = SseSerializer.Error(ex);
                item = default;
            }
            if (failure is not null)
            {
                yield return failure;
                yield break;
            }

            var (index, update) = item;
            completionTokens[index] = update.CompletionTokens;
            if (update.Text.Length == 0 && update.FinishReason is null) continue;
            var finish = update.FinishReason is { } reason ? FinishReasons.ToWire(reason) : null;
            yield return SseSerializer.Serialize(new CompletionResponse(id, created, model, [new CompletionChoice(update.Text, index, null, finish)], null), context);
        }

        if (includeUsage)
        {
            var usage = new Usage(promptTokens, completionTokens.Sum(), new PromptTokensDetails(streams.Sum(s => s.CachedTokens)));
            yield return SseSerializer.Serialize(new CompletionResponse(id, created, model, [], usage), context);
        }
        yield return SseSerializer.Done;
    }
}
