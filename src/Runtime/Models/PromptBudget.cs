using System.Globalization;
using Llm.Runtime.Errors;

namespace Llm.Runtime.Models;

/// <summary>
/// Refuses a prompt that cannot fit before it is tokenized: its UTF-8 length gives a lower bound on its token count
/// (<see cref="ModelHost.MinimumTokens"/>), and when even that bound is over the limit, tokenizing would be wasted work.
/// </summary>
public static class PromptBudget
{
    /// <summary>Throws when <paramref name="text"/> cannot fit the model's prompt limit or context with room for <paramref name="maxTokens"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="text">The prompt text.</param>
    /// <param name="maxTokens">The tokens requested for the completion, or null.</param>
    /// <param name="index">Which of several prompts this is, or null.</param>
    /// <exception cref="ContextLengthExceededException">The prompt cannot fit.</exception>
    public static void EnsureFits(ModelHost model, string text, int? maxTokens, int? index = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var least = model.MinimumTokens(text);
        if (least == 0) return;
        if (model.MaxPromptTokens > 0 && least > model.MaxPromptTokens)
            throw TooLong($"The prompt has at least {Number(least)} tokens; this server accepts at most {Number(model.MaxPromptTokens)}.", least, model, index);
        var room = model.ContextSize - Math.Max(1, maxTokens ?? 1);
        if (least > room)
        {
            throw TooLong(maxTokens is null
                ? $"This model's maximum context length is {Number(model.ContextSize)} tokens. However, your prompt has at least {Number(least)} tokens, leaving no room for a completion."
                : $"This model's maximum context length is {Number(model.ContextSize)} tokens. However, your prompt has at least {Number(least)} tokens and you requested {Number(maxTokens.Value)} for the completion. Please reduce the prompt or the completion length.",
                least, model, index);
        }
    }

    /// <summary>Throws when an embedding input cannot fit <paramref name="limit"/> tokens.</summary>
    /// <exception cref="ContextLengthExceededException">The input cannot fit.</exception>
    public static void EnsureFitsInput(ModelHost model, string text, int limit, int index, bool several)
    {
        ArgumentNullException.ThrowIfNull(model);
        var least = model.MinimumTokens(text);
        if (least > limit)
            throw TooLong($"{(several ? $"Input {index}" : "The input")} has at least {Number(least)} tokens; this model embeds at most {Number(limit)}.", least, model, several ? index : null);
    }

    private static ContextLengthExceededException TooLong(string message, int least, ModelHost model, int? index) => new(message, least, model.ContextSize, index);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
