using System.Globalization;
using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>The part of the lexer that reads inside <c>{{ }}</c> and <c>{% %}</c>.</summary>
internal sealed partial class Lexer
{
    private static readonly string[] Operators =
        ["//", "**", "==", "!=", ">=", "<=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    private int LexTag(int p, bool block)
    {
        brackets.Clear();
        while (true)
        {
            while (p < source.Length && char.IsWhiteSpace(source[p]))
            {
                p++;
            }
            if (p >= source.Length)
            {
                throw Error(block ? "Unexpected end of template: missing '%}'" : "Unexpected end of template: missing '}}'", p);
            }
            // Like Jinja2, a closing delimiter only counts while brackets are balanced,
            // so dict literals such as {{ {'a': {}} }} lex correctly.
            if (brackets.Count == 0)
            {
                var end = block ? "%}" : "}}";
                var strip = string.CompareOrdinal(source, p, "-" + end, 0, 3) == 0;
                var keep = block && string.CompareOrdinal(source, p, "+" + end, 0, 3) == 0;
                if (strip || keep || string.CompareOrdinal(source, p, end, 0, 2) == 0)
                {
                    var close = p + (strip || keep ? 3 : 2);
                    tokens.Add(MakeToken(block ? TokenKind.BlockEnd : TokenKind.VariableEnd, source[p..close], null, p));
                    return AfterTagEnd(close, strip, keep, trimmable: block);
                }
            }
            p = LexToken(p);
        }
    }

    private int LexToken(int p)
    {
        var c = source[p];
        if (char.IsAsciiLetter(c) || c == '_')
        {
            var start = p;
            while (p < source.Length && (char.IsAsciiLetterOrDigit(source[p]) || source[p] == '_'))
            {
                p++;
            }
            tokens.Add(MakeToken(TokenKind.Name, source[start..p], null, start));
            return p;
        }
        if (char.IsAsciiDigit(c))
        {
            return LexNumber(p);
        }
        if (c is '\'' or '"')
        {
            return LexString(p);
        }
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(source, p, op, 0, op.Length) == 0)
            {
                TrackBrackets(op, p);
                tokens.Add(MakeToken(TokenKind.Operator, op, null, p));
                return p + op.Length;
            }
        }
        throw Error($"unexpected char '{c}'", p);
    }

    private void TrackBrackets(string op, int p)
    {
        switch (op)
        {
            case "(":
                brackets.Push(')');
                break;
            case "[":
                brackets.Push(']');
                break;
            case "{":
                brackets.Push('}');
                break;
            case ")" or "]" or "}":
                if (brackets.Count == 0)
                {
                    throw Error($"unexpected '{op}'", p);
                }
                var expected = brackets.Pop();
                if (expected != op[0])
                {
                    throw Error($"unexpected '{op}', expected '{expected}'", p);
                }
                break;
        }
    }

    private int LexNumber(int p)
    {
        var start = p;
        p = SkipDigits(p);
        // After a dot this is an index (x.0.1), never a float, as in Jinja2.
        var afterDot = tokens.Count > 0 && tokens[^1].IsOperator(".");
        var isFloat = false;
        if (!afterDot && p + 1 < source.Length && source[p] == '.' && char.IsAsciiDigit(source[p + 1]))
        {
            p = SkipDigits(p + 1);
            isFloat = true;
        }
        if (!afterDot && p < source.Length && source[p] is 'e' or 'E')
        {
            var q = p + 1;
            if (q < source.Length && source[q] is '+' or '-')
            {
                q++;
            }
            if (q < source.Length && char.IsAsciiDigit(source[q]))
            {
                p = SkipDigits(q);
                isFloat = true;
            }
        }
        var text = source[start..p];
        var digits = text.Replace("_", string.Empty);
        object value;
        if (!isFloat && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
        {
            value = l;
        }
        else
        {
            // Integers beyond long range fall back to float; Python would keep them exact.
            value = double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        tokens.Add(MakeToken(isFloat ? TokenKind.Float : TokenKind.Integer, text, value, start));
        return p;
    }

    private int SkipDigits(int p)
    {
        while (p < source.Length && (char.IsAsciiDigit(source[p]) || (source[p] == '_' && p + 1 < source.Length && char.IsAsciiDigit(source[p + 1]))))
        {
            p++;
        }
        return p;
    }

    private int LexString(int p)
    {
        var start = p;
        var quote = source[p++];
        var sb = new StringBuilder();
        while (true)
        {
            if (p >= source.Length)
            {
                throw Error("unexpected end of string", start);
            }
            var c = source[p];
            if (c == quote)
            {
                p++;
                break;
            }
            if (c == '\\' && p + 1 < source.Length)
            {
                p = Unescape(p + 1, sb);
                continue;
            }
            sb.Append(c);
            p++;
        }
        tokens.Add(MakeToken(TokenKind.String, source[start..p], sb.ToString(), start));
        return p;
    }

    /// <summary>Python's unicode-escape decoding, which Jinja2 applies to string literals.</summary>
    private int Unescape(int p, StringBuilder sb)
    {
        var c = source[p];
        switch (c)
        {
            case '\n': return p + 1;
            case '\\': sb.Append('\\'); return p + 1;
            case '\'': sb.Append('\''); return p + 1;
            case '"': sb.Append('"'); return p + 1;
            case 'a': sb.Append('\a'); return p + 1;
            case 'b': sb.Append('\b'); return p + 1;
            case 'f': sb.Append('\f'); return p + 1;
            case 'n': sb.Append('\n'); return p + 1;
            case 'r': sb.Append('\r'); return p + 1;
            case 't': sb.Append('\t'); return p + 1;
            case 'v': sb.Append('\v'); return p + 1;
            case 'x': return AppendHex(p, 2, sb);
            case 'u': return AppendHex(p, 4, sb);
            case 'U': return AppendHex(p, 8, sb);
        }
        if (c is >= '0' and <= '7')
        {
            var end = p;
            while (end < source.Length && end - p < 3 && source[end] is >= '0' and <= '7')
            {
                end++;
            }
            sb.Append((char)Convert.ToInt32(source[p..end], 8));
            return end;
        }
        // Unknown escapes stay as written, backslash included.
        sb.Append('\\');
        return p;
    }

    private int AppendHex(int p, int length, StringBuilder sb)
    {
        var digits = p + 1 + length <= source.Length ? source.Substring(p + 1, length) : string.Empty;
        if (!int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code) || digits.Length != length)
        {
            throw Error($"truncated \\{source[p]} escape", p - 1);
        }
        sb.Append(char.ConvertFromUtf32(code));
        return p + 1 + length;
    }
}
