using System.Runtime.CompilerServices;
using System.Text;
using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Api.Generation;
using Llm.Api.Hosting;
using Llm.Api.Streaming;
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
        routes.MapPost("/completions", CreateAsync).WithMetadata(new ParameterNames("prompt"));
        return routes;
    }

    private static async Task<Results<Ok<CompletionResponse>, SseResult>> CreateAsync(
        HttpContext http, ModelRegistry models, ServerOptions options, CancellationToken cancellationToken)
    {
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.CompletionRequest, cancellationToken);
        var modelName = SamplingMapper.Model(request);
        var prompts = request.Prompt ?? throw OpenAiException.InvalidRequest("Missing required parameter: 'prompt'.", "prompt");
        if (prompts.Count == 0) throw OpenAiException.InvalidRequest("'prompt' must not be empty.", "prompt");
        if (prompts.Count > MaxPrompts) throw OpenAiException.OutOfRange("prompt", $"at most {MaxPrompts} prompts are allowed per request");
        RejectUnsupported(request);
        var sampling = SamplingMapper.ToSamplingParams(request);
        var choices = SamplingMapper.Choices(request, options.MaxN);
        var stops = SamplingMapper.Stops(request);
        var maxTokens = SamplingMapper.MaxTokens(request.MaxTokens, "max_tokens") ?? DefaultMaxTokens;
        var cachePartition = CachePartitionMapper.For(http, request.CacheSalt, options);

        var model = models.Get(modelName);
        var tokens = Tokenize(model, prompts, maxTokens, cancellationToken);
        var template = new GenerationRequest { PromptTokens = tokens[0], MaxTokens = maxTokens, Sampling = sampling, Stop = stops, Logprobs = request.Logprobs, CachePartition = cachePartition };
        var streams = ChoiceSubmitter.Submit(model, tokens, choices, template with { InlineUpdates = true }, cancellationToken);
        var id = ResponseIds.New("cmpl-");
        var created = ResponseIds.Now();
        var promptTokens = tokens.Sum(t => t.Count);
        if (request.Stream == true)
        {
            var includeUsage = request.StreamOptions?.IncludeUsage == true;
            return new SseResult(SseEvents.Data(StreamAsync(streams, choices, model, request.Echo == true ? i => Echo(request, prompts, tokens, model, i / choices) : null, id, created, modelName, promptTokens, includeUsage, cancellationToken)));
        }

        var texts = streams.Select(_ => new StringBuilder()).ToArray();
        var finals = new GenerationUpdate[streams.Count];
        var logprobs = new List<TokenLogprob>?[streams.Count];
        await foreach (var (index, update) in ChoiceMerger.Merge(streams, cancellationToken))
        {
            texts[index].Append(update.Text);
            logprobs[index] = LogprobsMapper.Append(logprobs[index], update.Logprobs);
            finals[index] = update;
        }
        var result = new CompletionChoice[streams.Count];
        for (var i = 0; i < result.Length; i++)
            result[i] = new CompletionChoice(Echo(request, prompts, tokens, model, i / choices) + texts[i], i, ToCompletionLogprobs(logprobs[i], model), FinishReasons.ToWire(finals[i].FinishReason ?? FinishReason.Stop));
        var usage = new Usage(promptTokens, finals.Sum(f => f.CompletionTokens), new PromptTokensDetails(CachedTokens(streams, choices)));
        return TypedResults.Ok(new CompletionResponse(id, created, modelName, result, usage));
    }

    private static void RejectUnsupported(CompletionRequest request)
    {
        if (request.Logprobs is < 0 or > 5) throw OpenAiException.OutOfRange("logprobs", "must be between 0 and 5");
        if (request.Echo == true && request.Logprobs is > 0) throw OpenAiException.Unsupported("echo", "Log-probabilities of echoed prompt tokens");
        if (!string.IsNullOrEmpty(request.Suffix)) throw OpenAiException.Unsupported("suffix", "Insertion with a suffix");
        if (request.BestOf is < 1 or > 20) throw OpenAiException.OutOfRange("best_of", "must be between 1 and 20");
        if (request.BestOf is > 1) throw OpenAiException.Unsupported("best_of", "Best-of sampling");
    }

    // echo: the prompt as the client sent it (token prompts as their text) before the completion.
    private static string Echo(CompletionRequest request, PromptInput prompts, IReadOnlyList<int>[] tokens, ModelHost model, int prompt)
        => request.Echo != true ? string.Empty : prompts.Texts is { } texts ? texts[prompt] : model.Detokenize(tokens[prompt]);

    private static CompletionLogprobs? ToCompletionLogprobs(IReadOnlyList<TokenLogprob>? items, ModelHost model)
    {
        var offset = 0;
        return LogprobsMapper.ToCompletion(items, model, ref offset);
    }

    // The choices of one prompt share it: count its reused tokens once.
    private static int CachedTokens(IReadOnlyList<GenerationStream> streams, int choices)
    {
        var total = 0;
        for (var i = 0; i < streams.Count; i += choices) total += streams[i].CachedTokens;
        return total;
    }

    // Every text prompt is checked against the budget before any is tokenized.
    private static IReadOnlyList<int>[] Tokenize(ModelHost model, PromptInput prompts, int maxTokens, CancellationToken cancellationToken)
    {
        var tokens = new IReadOnlyList<int>[prompts.Count];
        if (prompts.Texts is { } all)
        {
            for (var i = 0; i < all.Count; i++) PromptBudget.EnsureFits(model, all[i], maxTokens, prompts.Count == 1 ? null : i);
        }
        // A legacy prompt is the caller's own raw text, not a conversation rendered around it: its control-token text
        // becomes control tokens (parse_special), as in llama-server. Chat requests keep clients' look-alikes as text.
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = prompts.Texts is { } texts ? model.Tokenize(texts[i], addSpecial: true, parseSpecial: true, cancellationToken) : prompts.TokenLists![i];
            var param = prompts.Count == 1 ? "prompt" : $"prompt[{i}]";
            if (tokens[i].Count == 0) throw OpenAiException.InvalidRequest($"'{param}' is empty.", param);
        }
        return tokens;
    }

    private static async IAsyncEnumerable<string> StreamAsync(IReadOnlyList<GenerationStream> streams, int choices, ModelHost host, Func<int, string>? echo, string id, long created, string model,
        int promptTokens, bool includeUsage, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var context = OpenAiJsonContext.Default.CompletionResponse;
        var completionTokens = new int[streams.Count];
        var offsets = new int[streams.Count];
        var pending = new List<TokenLogprob>?[streams.Count];
        if (echo is not null)
        {
            for (var i = 0; i < streams.Count; i++) yield return SseSerializer.Serialize(new CompletionResponse(id, created, model, [new CompletionChoice(echo(i), i, null, null)], null), context);
        }
        await foreach (var (item, error) in StreamGuard.GuardAsync(ChoiceMerger.Merge(streams, cancellationToken), cancellationToken))
        {
            if (error is not null)
            {
                yield return error;
                yield break;
            }

            var (index, update) = item;
            completionTokens[index] = update.CompletionTokens;
            pending[index] = LogprobsMapper.Append(pending[index], update.Logprobs);
            if (update.Text.Length == 0 && update.FinishReason is null) continue;
            var finish = update.FinishReason is { } reason ? FinishReasons.ToWire(reason) : null;
            var logprobs = LogprobsMapper.ToCompletion(pending[index], host, ref offsets[index]);
            pending[index] = null;
            yield return SseSerializer.Serialize(new CompletionResponse(id, created, model, [new CompletionChoice(update.Text, index, logprobs, finish)], null), context);
        }

        if (includeUsage)
        {
            var usage = new Usage(promptTokens, completionTokens.Sum(), new PromptTokensDetails(CachedTokens(streams, choices)));
            yield return SseSerializer.Serialize(new CompletionResponse(id, created, model, [], usage), context);
        }
        yield return SseSerializer.Done;
    }
}
