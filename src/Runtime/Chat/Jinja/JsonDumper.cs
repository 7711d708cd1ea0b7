using System.Globalization;
using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// Python's json.dumps, byte for byte, because Hugging Face's tojson filter is json.dumps and
/// prompts embed its output (tool schemas, tool-call arguments) that models were trained on.
/// </summary>
internal sealed class JsonDumper
{
    private readonly StringBuilder sb = new();
    private readonly string? indent;
    private readonly string itemSeparator;
    private readonly string keySeparator;
    private readonly bool sortKeys;
    private readonly bool ensureAscii;

    public JsonDumper(string? indent, string? itemSeparator, string? keySeparator, bool sortKeys, bool ensureAscii)
    {
        this.indent = indent;
        // Python's defaults: ", " without indent, "," with it (so lines carry no trailing space), and ": ".
        this.itemSeparator = itemSeparator ?? (indent is null ? ", " : ",");
        this.keySeparator = keySeparator ?? ": ";
        this.sortKeys = sortKeys;
        this.ensureAscii = ensureAscii;
    }

    public string Dump(object? value)
    {
        Write(value, 0);
        return sb.ToString();
    }

    private void Write(object? value, int level)
    {
        RenderContext.EnterValue(level);
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(FormatDouble(d));
                break;
            case string s:
                WriteString(s);
                break;
            case IList<object?> list:
                WriteList(list, level);
                break;
            case JinjaDict dict:
                WriteDict(dict, level);
                break;
            default:
                throw new JinjaRuntimeException($"Object of type {PyOps.TypeName(value)} is not JSON serializable");
        }
    }

    private static string FormatDouble(double d) =>
        double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyFormat.FormatFloat(d);

    private void WriteList(IList<object?> list, int level)
    {
        if (list.Count == 0)
        {
            sb.Append("[]");
            return;
        }
        sb.Append('[');
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(itemSeparator);
            }
            NewLine(level + 1);
            Write(list[i], level + 1);
            RenderContext.EnsureSize(sb.Length);
        }
        NewLine(level);
        sb.Append(']');
    }

    private void WriteDict(JinjaDict dict, int level)
    {
        if (dict.Count == 0)
        {
            sb.Append("{}");
            return;
        }
        IEnumerable<KeyValuePair<object, object?>> pairs = dict;
        if (sortKeys)
        {
            var sorted = new List<KeyValuePair<object, object?>>(dict);
            sorted.Sort((a, b) => PyOps.Compare(a.Key, b.Key, "<"));
            pairs = sorted;
        }
        sb.Append('{');
        var first = true;
        foreach (var pair in pairs)
        {
            if (!first)
            {
                sb.Append(itemSeparator);
            }
            first = false;
            NewLine(level + 1);
            WriteString(KeyToString(pair.Key));
            sb.Append(keySeparator);
            Write(pair.Value, level + 1);
            RenderContext.EnsureSize(sb.Length);
        }
        NewLine(level);
        sb.Append('}');
    }

    private static string KeyToString(object key) => key switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        _ => throw new JinjaRuntimeException($"keys must be str, int, float, bool or None, not {PyOps.TypeName(key)}"),
    };

    private void NewLine(int level)
    {
        if (indent is null)
        {
            return;
        }
        sb.Append('\n');
        for (var i = 0; i < level; i++)
        {
            sb.Append(indent);
        }
        RenderContext.EnsureSize(sb.Length);
    }

    private void WriteString(string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ensureAscii && c > 0x7e))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
