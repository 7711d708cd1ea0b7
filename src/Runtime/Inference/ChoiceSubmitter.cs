using Llm.Runtime.Errors;
using Llm.Runtime.Models;

namespace Llm.Runtime.Inference;

/// <summary>
/// Queues every choice of a request before any answer starts (n choices per prompt, prompt by prompt, as OpenAI
/// orders them), so every refusal comes before the first byte. Choices of one prompt share its KV cells through the
/// prefix cache. If one cannot be queued, those already queued are withdrawn.
/// </summary>
public static class ChoiceSubmitter
{
    /// <summary>Submits <paramref name="n"/> choices of each prompt.</summary>
    /// <param name="model">The model.</param>
    /// <param name="prompts">The tokenized prompts.</param>
    /// <param name="n">Choices per prompt; with a seed, choice <c>i</c> samples with seed + i.</param>
    /// <param name="template">Everything but the prompt tokens, shared by every choice.</param>
    /// <param name="cancellationToken">Cancels every choice.</param>
    /// <returns>The streams, prompt-major.</returns>
    /// <exception cref="ContextLengthExceededException">A prompt cannot fit; <see cref="ContextLengthExceededException.Index"/> names it when there are several.</exception>
    /// <exception cref="InvalidInputException">A prompt is unusable; <see cref="InvalidInputException.Index"/> names it when there are several.</exception>
    public static List<GenerationStream> Submit(ModelHost model, IReadOnlyList<IReadOnlyList<int>> prompts, int n, GenerationRequest template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(template);
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
                    var request = template with { PromptTokens = prompts[p], Sampling = sampling };
                    try
                    {
                        streams.Add(model.Submit(request, withdraw.Token));
                    }
                    catch (ContextLengthExceededException ex) when (prompts.Count > 1)
                    {
                        throw ex.At(p);
                    }
                    catch (InvalidInputException ex) when (prompts.Count > 1 && ex.Part == InputPart.Prompt)
                    {
                        throw ex.At(p);
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
