using System.Globalization;
using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>Python's str() and repr() for engine values, since templates print them that way.</summary>
internal static class PyFormat
{
    public static string ToStr(object? value) => value switch
    {
        string s => s,
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        Undefined => string.Empty,
        _ => Repr(value),
    };

    public static string Repr(object? value)
    {
        if (value is string s)
        {
            var sb = new StringBuilder(s.Length + 2);
            AppendStringRepr(sb, s);
            return sb.ToString();
        }
        if (value is null or bool or long or double)
        {
            return ToStr(value);
        }
        var builder = new StringBuilder();
        AppendRepr(builder, value, 0);
        return builder.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? value, int level)
    {
        RenderContext.EnterValue(level);
        switch (value)
        {
            case string s:
                AppendStringRepr(sb, s);
                break;
            case List<object?> list:
                sb.Append('[');
                AppendItems(sb, list, level);
                sb.Append(']');
                break;
            case object?[] tuple:
                sb.Append('(');
                AppendItems(sb, tuple, level);
                sb.Append(tuple.Length == 1 ? ",)" : ")");
                break;
            case JinjaDict dict:
                AppendDict(sb, dict, level);
                break;
            case JinjaNamespace ns:
                sb.Append("<Namespace ");
                AppendDict(sb, ns.Attributes, level);
                sb.Append('>');
                break;
            case LoopContext loop:
                sb.Append("<LoopContext ").Append(loop.Index0 + 1).Append('/').Append(loop.Length).Append('>');
                break;
            case Undefined:
                // Inside a container Python shows the object's repr, not its empty str().
                sb.Append("Undefined");
                break;
            case JinjaCallable callable:
                sb.Append("<function ").Append(callable.Name).Append('>');
                break;
            default:
                sb.Append(value is null or bool or long or double ? ToStr(value) : value.ToString());
                break;
        }
    }

    private static void AppendItems(StringBuilder sb, IList<object?> items, int level)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            AppendRepr(sb, items[i], level + 1);
            RenderContext.EnsureSize(sb.Length);
        }
    }

    private static void AppendDict(StringBuilder sb, JinjaDict dict, int level)
    {
        sb.Append('{');
        var first = true;
        foreach (var pair in dict)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            first = false;
            AppendRepr(sb, pair.Key, level + 1);
            sb.Append(": ");
            AppendRepr(sb, pair.Value, level + 1);
            RenderContext.EnsureSize(sb.Length);
        }
        sb.Append('}');
    }

    private static void AppendStringRepr(StringBuilder sb, string s)
    {
        // Python prefers single quotes and switches only when that avoids escaping.
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append(quote);
    }

    /// <summary>Python's repr(float): shortest round-trip digits, exponent form outside 1e-4 .. 1e16.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }
        // "E16" is not shortest; "R" is, so split its output into digits and a decimal exponent.
        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var intPart = dot >= 0 ? r[..dot] : r;
        var fracPart = dot >= 0 ? r[(dot + 1)..] : string.Empty;
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        // Value = 0.digits x 10^decpt
        var decpt = intPart.Length + exponent - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        var sb = new StringBuilder();
        if (d < 0)
        {
            sb.Append('-');
        }
        if (decpt > -4 && decpt <= 16)
        {
            if (decpt <= 0)
            {
                sb.Append("0.").Append('0', -decpt).Append(digits);
            }
            else if (decpt >= digits.Length)
            {
                sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
            }
            else
            {
                sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }
            var exp = decpt - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
