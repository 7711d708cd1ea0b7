using Llm.Api.Errors;
using Llm.Runtime.Errors;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;

namespace Llm.Api.Generation;

/// <summary>
/// Queues every choice of a request before the response starts (n choices per prompt, prompt by prompt, as
/// OpenAI orders them). Choices of one prompt share its KV cells through the prefix cache. If one cannot be
/// queued, those already queued are withdrawn.
/// </summary>
internal static class ChoiceSubmitter
{
    public static List<GenerationStream> Submit(ModelHost model, IReadOnlyList<IReadOnlyList<int>> prompts, int n, GenerationRequest template,
        Func<int, string> promptParam, CancellationToken cancellationToken)
    {
        var withdraw = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var streams = new List<GenerationStream>(prompts.Count * n);
        try
        {
            for (var p = 0; p < prompts.Count; p++)
            {
                for (var i = 0; i < n; i++)
                {
                    // With a seed, choice i uses seed + i: the same request gives the same choices, and they differ from each other.
                    var sampling = template.Sampling.Seed is { } seed && i > 0 ? template.Sampling with { Seed = unchecked(seed + (ulong)i) } : template.Sampling;
                    // Inline: every reader here only formats a chunk and writes it to the socket (see InlineUpdates).
                    var request = template with { PromptTokens = prompts[p], Sampling = sampling, InlineUpdates = true };
                    try
                    {
                        streams.Add(model.Submit(request, withdraw.Token));
                    }
                    catch (ContextLengthExceededException ex)
                    {
                        throw OpenAiException.InvalidRequest(ex.Message, promptParam(p), "context_length_exceeded");
                    }
                    catch (InvalidInputException ex) when (ex.Parameter == "prompt")
                    {
                        throw OpenAiException.InvalidRequest(ex.Message, promptParam(p));
                    }
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
}
