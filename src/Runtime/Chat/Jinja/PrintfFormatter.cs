using System.Globalization;
using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>Python's <c>"%s" % args</c>, which the format filter applies: s, r, d, i, f, x, e and %%, with width and precision.</summary>
internal static class PrintfFormatter
{
    public static string Format(string format, object?[] args)
    {
        var sb = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }
            if (++i >= format.Length)
            {
                throw new JinjaRuntimeException("incomplete format");
            }
            var leftAlign = false;
            var zeroPad = false;
            while (format[i] is '-' or '0' or '+' or ' ')
            {
                leftAlign |= format[i] == '-';
                zeroPad |= format[i] == '0';
                i++;
            }
            var width = ReadNumber(format, ref i);
            int? precision = null;
            if (format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i);
            }
            var conversion = format[i];
            if (conversion == '%')
            {
                sb.Append('%');
                continue;
            }
            if (next >= args.Length)
            {
                throw new JinjaRuntimeException("not enough arguments for format string");
            }
            var text = Convert(conversion, args[next++], precision);
            var pad = Math.Max(0, width - text.Length);
            if (leftAlign)
            {
                sb.Append(text).Append(' ', pad);
            }
            else
            {
                sb.Append(zeroPad && conversion is not ('s' or 'r') ? '0' : ' ', pad).Append(text);
            }
        }
        if (next < args.Length)
        {
            throw new JinjaRuntimeException("not all arguments converted during string formatting");
        }
        return sb.ToString();
    }

    private static int ReadNumber(string format, ref int i)
    {
        var value = 0;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            // Widths and precisions become that many characters, so they answer to the output budget.
            RenderContext.EnsureSize(value * 10L + (format[i] - '0'));
            value = value * 10 + (format[i++] - '0');
        }
        if (i >= format.Length)
        {
            throw new JinjaRuntimeException("incomplete format");
        }
        return value;
    }

    private static string Convert(char conversion, object? value, int? precision) => conversion switch
    {
        's' => precision is { } p && PyFormat.ToStr(value).Length > p ? PyFormat.ToStr(value)[..p] : PyFormat.ToStr(value),
        'r' => PyFormat.Repr(value),
        'd' or 'i' => ((long)Math.Truncate(Number(value))).ToString(CultureInfo.InvariantCulture),
        'f' or 'F' => Number(value).ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture),
        'e' => Number(value).ToString((precision ?? 6) == 0 ? "0e+00" : "0." + new string('0', precision ?? 6) + "e+00", CultureInfo.InvariantCulture),
        'x' => ((long)Number(value)).ToString("x", CultureInfo.InvariantCulture),
        _ => throw new JinjaRuntimeException($"unsupported format character '{conversion}'"),
    };

    private static double Number(object? value) => PyOps.IsNumber(value)
        ? PyOps.ToDouble(value)
        : throw new JinjaRuntimeException($"%d format: a real number is required, not {PyOps.TypeName(value)}");
}
