using System.Globalization;
using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>Python's datetime.strftime in the C locale, including glibc's %-d style no-padding flag.</summary>
internal static class Strftime
{
    public static string Format(DateTimeOffset now, string format)
    {
        var culture = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var noPad = format[i + 1] == '-' && i + 2 < format.Length;
            var code = format[noPad ? i + 2 : i + 1];
            i += noPad ? 2 : 1;
            string Num(int value, int width) => noPad ? value.ToString(culture) : value.ToString(new string('0', width), culture);
            sb.Append(code switch
            {
                'a' => now.ToString("ddd", culture),
                'A' => now.ToString("dddd", culture),
                'b' or 'h' => now.ToString("MMM", culture),
                'B' => now.ToString("MMMM", culture),
                'd' => Num(now.Day, 2),
                'e' => now.Day.ToString(culture).PadLeft(2),
                'm' => Num(now.Month, 2),
                'y' => Num(now.Year % 100, 2),
                'Y' => now.Year.ToString(culture),
                'H' => Num(now.Hour, 2),
                'I' => Num(now.Hour % 12 == 0 ? 12 : now.Hour % 12, 2),
                'M' => Num(now.Minute, 2),
                'S' => Num(now.Second, 2),
                'f' => (now.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", culture),
                'p' => now.Hour < 12 ? "AM" : "PM",
                'j' => Num(now.DayOfYear, 3),
                'w' => ((int)now.DayOfWeek).ToString(culture),
                'u' => (now.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)now.DayOfWeek).ToString(culture),
                'z' => (now.Offset < TimeSpan.Zero ? "-" : "+") + now.Offset.ToString("hhmm", culture),
                'Z' => now.Offset == TimeSpan.Zero ? "UTC" : string.Empty,
                'F' => now.ToString("yyyy-MM-dd", culture),
                'T' => now.ToString("HH:mm:ss", culture),
                'D' => now.ToString("MM/dd/yy", culture),
                'c' => now.ToString("ddd MMM ", culture) + now.Day.ToString(culture).PadLeft(2) + now.ToString(" HH:mm:ss yyyy", culture),
                'x' => now.ToString("MM/dd/yy", culture),
                'X' => now.ToString("HH:mm:ss", culture),
                '%' => "%",
                _ => "%" + (noPad ? "-" : string.Empty) + code,
            });
        }
        return sb.ToString();
    }
}
