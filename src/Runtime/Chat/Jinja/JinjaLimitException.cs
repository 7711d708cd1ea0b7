namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// A template crossed one of the engine's safety bounds: too deeply nested to parse or evaluate without
/// risking the thread's stack, or more work or output than its render budget allows. Not a Jinja2 error:
/// Jinja2 would have crashed or run on; this engine refuses instead.
/// </summary>
public sealed class JinjaLimitException : JinjaException
{
    public JinjaLimitException(JinjaLimit limit, string message) : base(message) => Limit = limit;

    /// <summary>Gets the bound that was crossed.</summary>
    public JinjaLimit Limit { get; }
}
