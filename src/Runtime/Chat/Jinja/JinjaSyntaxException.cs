namespace Llm.Runtime.Chat.Jinja;

/// <summary>The template source could not be parsed.</summary>
public sealed class JinjaSyntaxException : JinjaException
{
    public JinjaSyntaxException(string reason, int line, int column)
        : base($"{reason} (line {line}, column {column})")
    {
        Reason = reason;
        Line = line;
        Column = column;
    }

    /// <summary>What went wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>1-based line of the offending token.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending token.</summary>
    public int Column { get; }
}
