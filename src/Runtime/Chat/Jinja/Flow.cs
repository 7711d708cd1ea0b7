namespace Llm.Runtime.Chat.Jinja;

/// <summary>How a statement finished; break and continue travel up as values, not exceptions, for speed.</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}
