using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Chat;

/// <summary>The chat template refused the conversation (its <c>raise_exception</c>, or an error it hit); the message is the template's.</summary>
public sealed class ChatTemplateException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// Gets the safety bound the template crossed (nesting, steps, output), or null when the template itself
    /// failed. A crossed bound is the template's fault or the conversation's size, never the server's.
    /// </summary>
    public JinjaLimit? Limit => (InnerException as JinjaLimitException)?.Limit;
}
