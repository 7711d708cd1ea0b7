using System.Globalization;
using System.Text;

namespace Llm.Runtime.Grammar;

/// <summary>Spelling of GBNF terminals and rule names as llama.cpp's grammar parser reads them.</summary>
internal static class Gbnf
{
    /// <summary>
    /// The largest repetition bound llama.cpp accepts on a single symbol: its parser refuses a repetition when the
    /// repeated item's elements times the bound reach MAX_REPETITION_THRESHOLD (2000), so a lone symbol goes to
    /// 1999, and a three-element group only to 666 (measured). <see cref="Repeat"/> therefore takes single symbols only.
    /// </summary>
    public const int MaxRepetition = 1999;

    /// <summary>A quoted literal. Non-ASCII is escaped so the text survives any marshalling of the grammar string.</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (rune.Value is >= 0x20 and < 0x7F) sb.Append((char)rune.Value);
                    else AppendEscape(sb, rune.Value);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>One character inside <c>[...]</c>; everything but ASCII letters and digits is escaped, so
    /// <c>]</c>, <c>-</c>, <c>^</c> and <c>\</c> never change the class's meaning.</summary>
    public static string ClassChar(Rune rune)
    {
        var v = rune.Value;
        if (v is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z') return ((char)v).ToString();
        var sb = new StringBuilder();
        AppendEscape(sb, v);
        return sb.ToString();
    }

    /// <summary>A rule name from arbitrary text: llama.cpp allows only letters, digits and '-'.</summary>
    public static string RuleName(string hint)
    {
        var sb = new StringBuilder(hint.Length);
        foreach (var c in hint)
        {
            var ok = c is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z';
            if (ok) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var name = sb.ToString().Trim('-');
        return name.Length == 0 ? "r" : name;
    }

    /// <summary>
    /// <paramref name="item"/> repeated between <paramref name="min"/> and <paramref name="max"/> times
    /// (null: unbounded; above <see cref="MaxRepetition"/> also unbounded). <paramref name="item"/> must be a single
    /// rule name or character class (one element), or llama.cpp's threshold is lower. Empty when <paramref name="max"/> is 0.
    /// </summary>
    public static string Repeat(string item, int min, int? max)
    {
        if (item.Contains(' ')) throw new ArgumentException("A repeated item must be one element.", nameof(item));
        if (max is > MaxRepetition) max = null;
        return (min, max) switch
        {
            (_, 0) => "",
            (0, null) => item + "*",
            (1, null) => item + "+",
            (0, 1) => item + "?",
            (_, null) => $"{item}{{{min},}}",
            var (a, b) when a == b => $"{item}{{{a}}}",
            var (a, b) => $"{item}{{{a},{b}}}",
        };
    }

    public static bool IsSymbol(string expression)
    {
        if (expression.Length == 0) return false;
        foreach (var c in expression)
            if (!(c is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '-')) return false;
        return true;
    }

    private static void AppendEscape(StringBuilder sb, int value)
    {
        if (value <= 0xFF) sb.Append("\\x").Append(value.ToString("X2", CultureInfo.InvariantCulture));
        else if (value <= 0xFFFF) sb.Append("\\u").Append(value.ToString("X4", CultureInfo.InvariantCulture));
        else sb.Append("\\U").Append(value.ToString("X8", CultureInfo.InvariantCulture));
    }
}
