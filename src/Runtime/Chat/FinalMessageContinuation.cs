namespace Llm.Runtime.Chat;

/// <summary>
/// Renders a conversation so that the prompt ends inside its final (assistant) message, right after that message's
/// content, for the model to continue it: an assistant prefill, as transformers' and vLLM's
/// <c>continue_final_message</c> do it.
/// </summary>
/// <remarks>
/// <para>
/// transformers renders the whole conversation and cuts it after the last occurrence of the final message's content
/// (stripped of surrounding whitespace), keeping the content's trailing whitespace only when the template printed
/// it. Searching for the last occurrence goes wrong when the content also occurs in what the template prints after
/// it: a prefill of <c>end</c> is found inside ChatML's <c>&lt;|im_end|&gt;</c>, and an empty prefill is "found" at
/// the very end, so nothing is cut. So this renders the conversation a second time with the content replaced by a
/// marker: where the marker appears is where the template starts printing the content, and the content is looked
/// for from there on. When that does not work (the template printed something different before the content, so
/// its text depends on the content, or it refused the marker), the last occurrence is used, as transformers does.
/// </para>
/// <para>
/// Everything the template prints after the content is cut: the end-of-turn marker and anything else (tool calls of
/// that message included, which is why a final message with tool calls cannot be continued).
/// </para>
/// </remarks>
internal static class FinalMessageContinuation
{
    // Private-use characters: no template prints them, and none trims or splits on them.
    private const string Marker = "\uE000\uE001continue\uE001\uE000";

    /// <summary>Renders <paramref name="messages"/> with <paramref name="render"/> and cuts the result after the final message's content.</summary>
    /// <param name="messages">The conversation, ending with the assistant message to continue.</param>
    /// <param name="render">Renders a conversation.</param>
    /// <param name="asRendered">Turns a client string into the form <paramref name="render"/> prints it in (escaped control-token text).</param>
    /// <exception cref="ChatTemplateException">The template does not print the final message's content as given.</exception>
    public static string Render(IReadOnlyList<ChatPromptMessage> messages, Func<IReadOnlyList<ChatPromptMessage>, string> render, Func<string, string> asRendered)
    {
        var content = asRendered(messages[^1].Content ?? string.Empty);
        var rendered = render(messages);
        var core = content.Trim();
        var start = ContentStart(messages, render, rendered);
        var at = start < 0 ? -1 : core.Length == 0 ? start : rendered.IndexOf(core, start, StringComparison.Ordinal);
        if (at < 0 && core.Length > 0) at = rendered.LastIndexOf(core, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new ChatTemplateException(
                "The final assistant message cannot be continued: the chat template does not print its content as given "
                + "(templates that drop or rewrite parts of an assistant message, such as its reasoning, cannot continue them).");
        }

        var end = at + core.Length;
        var trailing = content[content.TrimEnd().Length..];
        if (trailing.Length > 0 && rendered.AsSpan(end).StartsWith(trailing, StringComparison.Ordinal)) end += trailing.Length;
        return rendered[..end];
    }

    // Where the template starts printing the final message's content in `rendered`, or -1 when that cannot be told.
    private static int ContentStart(IReadOnlyList<ChatPromptMessage> messages, Func<IReadOnlyList<ChatPromptMessage>, string> render, string rendered)
    {
        var probe = messages.ToArray();
        probe[^1] = probe[^1] with { Content = Marker };
        string marked;
        try
        {
            marked = render(probe);
        }
        catch (ChatTemplateException)
        {
            return -1;
        }
        var at = marked.IndexOf(Marker, StringComparison.Ordinal);
        return at >= 0 && rendered.AsSpan().StartsWith(marked.AsSpan(0, at), StringComparison.Ordinal) ? at : -1;
    }
}
