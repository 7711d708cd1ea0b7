namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// Rendering failed the way Jinja2 would fail at run time: an undefined value used where that is an
/// error, a type error (iterating none, adding a string to a number), an unknown filter or test.
/// </summary>
public sealed class JinjaRuntimeException : JinjaException
{
    public JinjaRuntimeException(string message, int line = 0) : base(line > 0 ? $"{message} (line {line})" : message)
    {
        Reason = message;
        Line = line;
    }

    /// <summary>The error without the position, worded like Python's where there is an equivalent.</summary>
    public string Reason { get; }

    /// <summary>1-based template line where the failing expression starts; 0 when unknown.</summary>
    public int Line { get; }
}
