using System.Text.RegularExpressions;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// Splits a template into data and tag tokens, applying Jinja2's whitespace rules as its lexer does:
/// '-' modifiers, trim_blocks (one newline after a block or comment tag), lstrip_blocks (indentation
/// before a block or comment tag when nothing else precedes it on the line), and the dropped final newline.
/// </summary>
internal sealed partial class Lexer
{
    private readonly string source;
    private readonly JinjaOptions options;
    private readonly List<Token> tokens = [];
    private readonly SourceMap map;
    private int pos;
    private readonly Stack<char> brackets = new();

    private Lexer(string source, JinjaOptions options)
    {
        this.source = source;
        this.options = options;
        map = new SourceMap(source);
    }

    public static List<Token> Tokenize(string source, JinjaOptions options)
    {
        var lexer = new Lexer(Normalize(source), options);
        lexer.Run();
        return lexer.tokens;
    }

    private static string Normalize(string source)
    {
        // Jinja2 turns every newline into \n and, without keep_trailing_newline, drops one final newline.
        var text = source.Contains('\r') ? source.Replace("\r\n", "\n").Replace('\r', '\n') : source;
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    private void Run()
    {
        var lineStarting = true;
        while (pos < source.Length)
        {
            var tag = FindTagStart(pos);
            if (tag < 0)
            {
                AddData(source[pos..], pos);
                break;
            }
            var kind = source[tag + 1];
            var p = tag + 2;
            var modifier = p < source.Length && source[p] is '-' or '+' ? source[p] : '\0';
            var text = source[pos..tag];
            if (modifier == '-')
            {
                text = text.TrimEnd();
            }
            else if (modifier != '+' && options.LstripBlocks && kind != '{')
            {
                var lineStart = text.LastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && IsBlank(text, lineStart))
                {
                    text = text[..lineStart];
                }
            }
            AddData(text, pos);
            if (modifier != '\0')
            {
                p++;
            }
            if (kind == '#')
            {
                pos = SkipComment(p, tag);
            }
            else if (kind == '%' && RawBegin().Match(source, p) is { Success: true } raw)
            {
                pos = LexRaw(raw.Index + raw.Length, raw.Value.Contains('-'));
            }
            else
            {
                tokens.Add(MakeToken(kind == '{' ? TokenKind.VariableBegin : TokenKind.BlockBegin, source[tag..p], null, tag));
                pos = LexTag(p, kind == '%');
            }
            lineStarting = pos > 0 && source[pos - 1] == '\n';
        }
        tokens.Add(MakeToken(TokenKind.Eof, string.Empty, null, source.Length));
    }

    private int FindTagStart(int from)
    {
        while (true)
        {
            var i = source.IndexOf('{', from);
            if (i < 0 || i + 1 >= source.Length)
            {
                return -1;
            }
            if (source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
            from = i + 1;
        }
    }

    private static bool IsBlank(string text, int from)
    {
        if (from >= text.Length)
        {
            return false;
        }
        for (var i = from; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    private void AddData(string text, int at)
    {
        if (text.Length > 0)
        {
            tokens.Add(MakeToken(TokenKind.Data, text, null, at));
        }
    }

    private int SkipComment(int p, int tag)
    {
        var end = source.IndexOf("#}", p, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("Missing end of comment tag", tag);
        }
        var before = end > p ? source[end - 1] : '\0';
        return AfterTagEnd(end + 2, before == '-', before == '+', trimmable: true);
    }

    /// <summary>Position after a tag's closing delimiter once its whitespace control has been applied.</summary>
    private int AfterTagEnd(int p, bool stripAfter, bool keep, bool trimmable)
    {
        if (stripAfter)
        {
            while (p < source.Length && char.IsWhiteSpace(source[p]))
            {
                p++;
            }
        }
        else if (!keep && trimmable && options.TrimBlocks && p < source.Length && source[p] == '\n')
        {
            p++;
        }
        return p;
    }

    private int LexRaw(int contentStart, bool stripAfterBegin)
    {
        if (stripAfterBegin)
        {
            contentStart = AfterTagEnd(contentStart, stripAfter: true, keep: false, trimmable: false);
        }
        var end = RawEnd().Match(source, contentStart);
        if (!end.Success)
        {
            throw Error("Missing end of raw directive", contentStart);
        }
        var text = source[contentStart..end.Index];
        var modifier = end.Groups[1].Value;
        if (modifier == "-")
        {
            text = text.TrimEnd();
        }
        else if (modifier != "+" && options.LstripBlocks)
        {
            var lineStart = text.LastIndexOf('\n') + 1;
            if (lineStart > 0 && IsBlank(text, lineStart))
            {
                text = text[..lineStart];
            }
        }
        AddData(text, contentStart);
        var close = end.Groups[2].Value;
        return AfterTagEnd(end.Index + end.Length, close.StartsWith('-'), close.StartsWith('+'), trimmable: true);
    }

    [GeneratedRegex(@"\G\s*raw\s*(-?)%\}")]
    private static partial Regex RawBegin();

    [GeneratedRegex(@"\{%([-+]?)\s*endraw\s*([-+]?%\})")]
    private static partial Regex RawEnd();

    private Token MakeToken(TokenKind kind, string text, object? value, int at)
    {
        var (line, column) = map.Locate(at);
        return new Token(kind, text, value, line, column);
    }

    private JinjaSyntaxException Error(string reason, int at)
    {
        var (line, column) = map.Locate(at);
        return new JinjaSyntaxException(reason, line, column);
    }
}
