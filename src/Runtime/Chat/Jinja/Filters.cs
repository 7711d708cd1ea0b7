using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>Jinja2's built-in filters, plus Hugging Face's tojson; looked up once at parse time.</summary>
internal static partial class Filters
{
    private static readonly Dictionary<string, FilterFunction> All = new(StringComparer.Ordinal)
    {
        ["trim"] = (_, v, a) => StringMethodCalls.Strip(Soft(v), a.Get(0, "chars"), true, true),
        ["lower"] = (_, v, _) => Soft(v).ToLowerInvariant(),
        ["upper"] = (_, v, _) => Soft(v).ToUpperInvariant(),
        ["capitalize"] = (_, v, _) => StringMethodCalls.Capitalize(Soft(v)),
        ["title"] = (_, v, _) => Title(Soft(v)),
        ["replace"] = (_, v, a) => StringMethodCalls.Replace(
            Soft(v), Soft(a.Get(0, "old")), Soft(a.Get(1, "new")), a.Get(2, "count") is long n ? n : -1),
        ["string"] = (_, v, _) => Soft(v),
        ["safe"] = (_, v, _) => Soft(v),
        ["escape"] = Escape,
        ["e"] = Escape,
        ["length"] = (_, v, _) => PyAccess.Length(v),
        ["count"] = (_, v, _) => PyAccess.Length(v),
        ["wordcount"] = (_, v, _) => (long)Word().Count(Soft(v)),
        ["indent"] = Indent,
        ["default"] = Default,
        ["d"] = Default,
        ["int"] = ToInt,
        ["float"] = ToFloat,
        ["abs"] = Abs,
        ["round"] = Round,
        ["tojson"] = ToJson,
        ["format"] = (_, v, a) => PrintfFormatter.Format(Soft(v), a.Positional),
        ["attr"] = Attr,
    };

    static Filters()
    {
        AddCollectionFilters(All);
        AddLayoutFilters(All);
    }

    public static FilterFunction? Find(string name) => All.GetValueOrDefault(name);

    /// <summary>A width a template asked for, held to the output budget before anything that wide is built.</summary>
    private static int Width(long width)
    {
        RenderContext.EnsureSize(width);
        return (int)Math.Max(0, width);
    }

    /// <summary>Jinja2's soft_str: str() of anything, "" for undefined.</summary>
    private static string Soft(object? value) => value as string ?? PyFormat.ToStr(value);

    /// <summary>The title filter splits on runs of dashes, spaces and opening brackets, unlike str.title().</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var wordStart = true;
        foreach (var c in s)
        {
            var separator = c is '-' or '(' or '{' or '[' or '<' || char.IsWhiteSpace(c);
            sb.Append(separator ? c : wordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            wordStart = separator;
        }
        return sb.ToString();
    }

    private static object? Escape(RenderContext context, object? value, CallArgs args) =>
        Soft(value).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&#34;").Replace("'", "&#39;");

    /// <summary>Jinja2 appends "\n" to its input before splitting lines: anything but a string fails there.</summary>
    private static object? Indent(RenderContext context, object? value, CallArgs args)
    {
        var text = value switch
        {
            string s => s,
            Undefined u => throw u.Fail(),
            _ => throw new JinjaRuntimeException($"indent: expected a string, got '{PyOps.TypeName(value)}'"),
        };
        var width = args.Get(0, "width", 4L);
        var indentation = width is string w ? w : new string(' ', Width(Methods.ToLong(width)));
        var first = PyOps.IsTruthy(args.Get(1, "first", false));
        var blank = PyOps.IsTruthy(args.Get(2, "blank", false));
        var lines = (text + "\n").Split('\n');
        var count = lines.Length - 1;
        var sb = new StringBuilder(lines[0]);
        for (var i = 1; i < count; i++)
        {
            sb.Append('\n');
            if (blank || lines[i].Length > 0)
            {
                sb.Append(indentation);
            }
            sb.Append(lines[i]);
            RenderContext.EnsureSize(sb.Length);
        }
        return first ? indentation + sb : sb.ToString();
    }

    private static object? Default(RenderContext context, object? value, CallArgs args)
    {
        var boolean = PyOps.IsTruthy(args.Get(1, "boolean", false));
        return value is Undefined || (boolean && !PyOps.IsTruthy(value)) ? args.Get(0, "default_value", string.Empty) : value;
    }

    private static object? ToInt(RenderContext context, object? value, CallArgs args)
    {
        var fallback = args.Get(0, "default", 0L);
        switch (value)
        {
            case Undefined u:
                // int(Undefined) raises UndefinedError, which the filter does not catch.
                throw u.Fail();
            case long or bool:
                return Methods.ToLong(value);
            case double d:
                return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                var text = s.Trim().Replace("_", string.Empty);
                var numberBase = (int)Methods.ToLong(args.Get(1, "base", 10L));
                if (numberBase == 10 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    return l;
                }
                if (numberBase != 10)
                {
                    try
                    {
                        return Convert.ToInt64(text, numberBase);
                    }
                    catch (FormatException)
                    {
                        return fallback;
                    }
                }
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f)
                    ? (long)Math.Truncate(f)
                    : fallback;
            default:
                return fallback;
        }
    }

    private static object? ToFloat(RenderContext context, object? value, CallArgs args)
    {
        var fallback = args.Get(0, "default", 0.0);
        return value switch
        {
            Undefined u => throw u.Fail(),
            long or bool or double => PyOps.ToDouble(value),
            string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => fallback,
        };
    }

    private static object? Abs(RenderContext context, object? value, CallArgs args) => value switch
    {
        long l => (object)Math.Abs(l),
        double d => Math.Abs(d),
        bool b => b ? 1L : 0L,
        _ => throw new JinjaRuntimeException($"bad operand type for abs(): '{PyOps.TypeName(value)}'"),
    };

    private static object? Round(RenderContext context, object? value, CallArgs args)
    {
        var precision = (int)Methods.ToLong(args.Get(0, "precision", 0L));
        var method = Soft(args.Get(1, "method", "common"));
        if (!PyOps.IsNumber(value))
        {
            throw new JinjaRuntimeException($"type {PyOps.TypeName(value)} doesn't define __round__ method");
        }
        var scale = Math.Pow(10, precision);
        switch (method)
        {
            case "common":
                // Python's round(): half to even, and an int stays an int.
                return value is long or bool ? (object)Methods.ToLong(value) : PythonRound(PyOps.ToDouble(value), precision);
            case "ceil":
                return Math.Ceiling(PyOps.ToDouble(value) * scale) / scale;
            case "floor":
                return Math.Floor(PyOps.ToDouble(value) * scale) / scale;
            default:
                throw new JinjaRuntimeException("method must be common, ceil or floor");
        }
    }

    // Python's round(x, n) rounds the double's exact binary value half to even: round(2.675, 2) is 2.67, because
    // 2.675 is stored as 2.67499999…; Math.Round scales first and says 2.68. The shortest round-trip digits (G17) keep
    // the side of the midpoint the binary value is on. Math.Round also refuses n outside 0..15, which Python allows.
    private static double PythonRound(double x, int n)
    {
        if (double.IsNaN(x) || double.IsInfinity(x) || n > 15) return x;
        if (n < 0)
        {
            var scale = Math.Pow(10, -n);
            return double.IsInfinity(scale) ? 0.0 * x : Math.Round(x / scale, MidpointRounding.ToEven) * scale;
        }
        if (Math.Abs(x) < 1e27 && decimal.TryParse(x.ToString("G17", System.Globalization.CultureInfo.InvariantCulture),
                System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var exact))
            return (double)Math.Round(exact, n, MidpointRounding.ToEven);
        return Math.Round(x, n, MidpointRounding.ToEven);
    }

    private static object? ToJson(RenderContext context, object? value, CallArgs args)
    {
        var indentArg = args.TryGetNamed("indent", out var named) ? named : args.Count > 0 ? args.Positional[0] : null;
        if (indentArg is Undefined undefinedIndent)
        {
            // json.dumps only multiplies the indent when it opens a non-empty list or dict.
            if (value is System.Collections.ICollection { Count: > 0 })
            {
                throw undefinedIndent.Fail();
            }
            indentArg = null;
        }
        var indent = indentArg switch
        {
            null => null,
            string s => s,
            _ => new string(' ', Width(Methods.ToLong(indentArg))),
        };
        string? itemSeparator = null, keySeparator = null;
        if (args.TryGetNamed("separators", out var separators) && separators is IList<object?> { Count: 2 } pair)
        {
            itemSeparator = Soft(pair[0]);
            keySeparator = Soft(pair[1]);
        }
        var sortKeys = args.TryGetNamed("sort_keys", out var sort) && PyOps.IsTruthy(sort);
        var ensureAscii = args.TryGetNamed("ensure_ascii", out var ascii) && PyOps.IsTruthy(ascii);
        return new JsonDumper(indent, itemSeparator, keySeparator, sortKeys, ensureAscii).Dump(value);
    }

    /// <summary>Unlike <c>.name</c>, attr() never falls back to dict keys: Python getattr only.</summary>
    private static object? Attr(RenderContext context, object? value, CallArgs args)
    {
        if (args.Get(0, "name") is not string name)
        {
            throw new JinjaRuntimeException($"attribute name must be string, not '{PyOps.TypeName(args.Get(0, "name"))}'");
        }
        if (value is JinjaDict && !Methods.IsDictMethod(name))
        {
            return new Undefined(name, "dict");
        }
        return PyAccess.GetAttr(value, name);
    }

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();
}
