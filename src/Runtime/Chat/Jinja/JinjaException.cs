namespace Llm.Runtime.Chat.Jinja;

/// <summary>Base type of every error the Jinja engine raises, so callers can catch them in one place.</summary>
public abstract class JinjaException : Exception
{
    protected JinjaException(string message) : base(message) { }
}
