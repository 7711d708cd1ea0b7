namespace Llm.Runtime.Chat;

/// <summary>
/// A rendered chat prompt: its text, and which parts of it clients wrote that look like control tokens (those are
/// tokenized as text, see <see cref="Models.ChatPromptTokenizer"/>). Made by <see cref="Models.ChatPromptTokenizer.Render"/>.
/// </summary>
public sealed class ChatPrompt
{
    internal ChatPrompt(string text, string marked, bool hasLookAlikes)
    {
        Text = text;
        Marked = marked;
        HasLookAlikes = hasLookAlikes;
    }

    /// <summary>Gets the prompt's text, with the client's strings as the client wrote them.</summary>
    public string Text { get; }

    /// <summary>Gets a value indicating whether a client string holds control-token text (which stays text).</summary>
    public bool HasLookAlikes { get; }

    /// <summary>Gets the rendering with placeholders where clients wrote control-token text.</summary>
    internal string Marked { get; }

    /// <summary>
    /// Wraps text that a trusted template rendered on its own, without client strings: all of its control-token text
    /// becomes control tokens. For tests and server-authored prompts only; never for text holding a client's strings.
    /// </summary>
    public static ChatPrompt FromTemplateText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ChatPrompt(text, text, hasLookAlikes: false);
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
