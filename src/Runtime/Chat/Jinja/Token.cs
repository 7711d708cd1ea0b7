namespace Llm.Runtime.Chat.Jinja;

/// <summary>A lexed token; <see cref="Value"/> holds the decoded literal for strings and numbers.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, object? Value, int Line, int Column)
{
    public bool Is(TokenKind kind, string text) => Kind == kind && Text == text;

    public bool IsOperator(string text) => Kind == TokenKind.Operator && Text == text;

    public bool IsName(string text) => Kind == TokenKind.Name && Text == text;

    public override string ToString() => Kind switch
    {
        TokenKind.Eof => "end of template",
        TokenKind.Data => "template data",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.BlockEnd => "end of statement block",
        _ => $"'{Text}'",
    };
}
