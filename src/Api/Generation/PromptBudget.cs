using System.Globalization;
using Llm.Api.Errors;
using Llm.Runtime.Models;

namespace Llm.Api.Generation;

/// <summary>
/// Refuses a prompt that cannot fit before it is tokenized: its UTF-8 length gives a lower bound on its token count
/// (<see cref="ModelHost.MinimumTokens"/>), and when even that bound is over the limit, tokenizing would be wasted work.
/// The answer is the 400 <c>context_length_exceeded</c> that tokenizing would have led to.
/// </summary>
internal static class PromptBudget
{
    /// <summary>Throws when <paramref name="text"/> cannot fit the model's prompt limit or context with room for <paramref name="maxTokens"/>.</summary>
    /// <exception cref="OpenAiException">400 <c>context_length_exceeded</c> naming <paramref name="param"/>.</exception>
    public static void EnsureFits(ModelHost model, string text, int? maxTokens, string param)
    {
        var least = model.MinimumTokens(text);
        if (least == 0) return;
        if (model.MaxPromptTokens > 0 && least > model.MaxPromptTokens)
            throw TooLong($"The prompt has at least {Number(least)} tokens; this server accepts at most {Number(model.MaxPromptTokens)}.", param);
        var room = model.ContextSize - Math.Max(1, maxTokens ?? 1);
        if (least > room)
        {
            throw TooLong(maxTokens is null
                ? $"This model's maximum context length is {Number(model.ContextSize)} tokens. However, your prompt has at least {Number(least)} tokens, leaving no room for a completion."
                : $"This model's maximum context length is {Number(model.ContextSize)} tokens. However, your prompt has at least {Number(least)} tokens and you requested {Number(maxTokens.Value)} for the completion. Please reduce the prompt or the completion length.",
                param);
        }
    }

    /// <summary>Throws when an embedding input cannot fit the embedding context.</summary>
    public static void EnsureFitsInput(ModelHost model, string text, int limit, string param)
    {
        var least = model.MinimumTokens(text);
        if (least > limit)
            throw TooLong($"'{param}' has at least {Number(least)} tokens; this model embeds at most {Number(limit)}.", param);
    }

    private static OpenAiException TooLong(string message, string param) => OpenAiException.InvalidRequest(message, param, "context_length_exceeded");

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
