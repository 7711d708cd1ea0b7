using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>Attribute and item lookup, slicing, iteration, len() and `in`, as Jinja2's sandbox does them.</summary>
internal static class PyAccess
{
    /// <summary><c>obj.name</c>: Python attributes (methods) first, then dict keys, as Jinja2's getattr does.</summary>
    public static object? GetAttr(object? obj, string name)
    {
        switch (obj)
        {
            case JinjaDict dict:
                if (Methods.IsDictMethod(name))
                {
                    return new BoundMethod(dict, name);
                }
                return dict.TryGetValue(name, out var value) ? value : new Undefined(name, "dict");
            case string s:
                return Methods.IsStringMethod(name) ? new BoundMethod(s, name) : new Undefined(name, "str");
            case List<object?> list:
                return Methods.IsListMethod(name) ? new BoundMethod(list, name) : new Undefined(name, "list");
            case JinjaNamespace ns:
                return ns.Attributes.TryGetValue(name, out var attr) ? attr : new Undefined(name, "Namespace");
            case LoopContext loop:
                return loop.GetAttribute(name);
            case Undefined undefined:
                throw undefined.Fail();
            default:
                return new Undefined(name, PyOps.TypeName(obj));
        }
    }

    /// <summary><c>obj[key]</c>: the item first, then the attribute when the key is a string.</summary>
    public static object? GetItem(object? obj, object? key)
    {
        switch (obj)
        {
            case Undefined undefined:
                throw undefined.Fail();
            case JinjaDict dict:
                if (key is not null and not Undefined && dict.TryGetValue(key, out var value))
                {
                    return value;
                }
                break;
            case IList<object?> list when key is long or bool:
                var index = NormalizeIndex(key, list.Count);
                if (index >= 0 && index < list.Count)
                {
                    return list[index];
                }
                return new Undefined(PyFormat.ToStr(key), PyOps.TypeName(obj));
            case string s when key is long or bool:
                var runes = ToRunes(s);
                var i = NormalizeIndex(key, runes.Count);
                return i >= 0 && i < runes.Count ? runes[i] : new Undefined(PyFormat.ToStr(key), "str");
        }
        if (key is string name)
        {
            return GetAttr(obj, name);
        }
        return new Undefined(PyFormat.ToStr(key), PyOps.TypeName(obj));
    }

    private static int NormalizeIndex(object key, int count)
    {
        var index = key is bool b ? (b ? 1L : 0L) : (long)key;
        if (index < 0)
        {
            index += count;
        }
        return index is < int.MinValue or > int.MaxValue ? -1 : (int)index;
    }

    public static object? Slice(object? obj, object? start, object? stop, object? step)
    {
        if (obj is Undefined undefined)
        {
            throw undefined.Fail();
        }
        var stepValue = step is null ? 1 : ToIndex(step);
        if (stepValue == 0)
        {
            throw new JinjaRuntimeException("slice step cannot be zero");
        }
        // Jinja2 compiles a slice to a plain Python subscript: unlike obj[key], a bad target raises.
        IList<object?> source = obj switch
        {
            IList<object?> list => list,
            string s => ToRunes(s),
            _ => throw new JinjaRuntimeException($"'{PyOps.TypeName(obj)}' object is not subscriptable"),
        };
        var n = source.Count;
        var (lower, upper) = stepValue > 0 ? (0, n) : (-1, n - 1);
        var from = Clamp(start, stepValue > 0 ? lower : upper, n, lower, upper);
        var to = Clamp(stop, stepValue > 0 ? upper : lower, n, lower, upper);
        var result = new List<object?>();
        if (stepValue > 0)
        {
            for (var i = from; i < to; i += stepValue)
            {
                result.Add(source[i]);
            }
        }
        else
        {
            for (var i = from; i > to; i += stepValue)
            {
                result.Add(source[i]);
            }
        }
        return obj switch
        {
            string => Join(result, string.Empty),
            object?[] => result.ToArray(),
            _ => result,
        };
    }

    private static int ToIndex(object? value) => value switch
    {
        long l => (int)Math.Clamp(l, int.MinValue, int.MaxValue),
        bool b => b ? 1 : 0,
        _ => throw new JinjaRuntimeException("slice indices must be integers or None"),
    };

    private static int Clamp(object? value, int fallback, int n, int lower, int upper)
    {
        if (value is null)
        {
            return fallback;
        }
        var index = ToIndex(value);
        if (index < 0)
        {
            index += n;
            return index < lower ? lower : index;
        }
        return index > upper ? upper : index;
    }

    /// <summary>Splits a string into Python characters (code points), so surrogate pairs stay whole.</summary>
    public static List<object?> ToRunes(string s)
    {
        var result = new List<object?>(s.Length);
        foreach (var rune in s.EnumerateRunes())
        {
            result.Add(rune.ToString());
        }
        return result;
    }

    /// <summary>What a for loop walks: lists as they are, dict keys, string characters; undefined is empty.</summary>
    public static IList<object?> Iterate(object? value) => value switch
    {
        IList<object?> list => list,
        JinjaDict dict => [.. dict.Keys],
        string s => ToRunes(s),
        Undefined => Array.Empty<object?>(),
        _ => throw new JinjaRuntimeException($"'{PyOps.TypeName(value)}' object is not iterable"),
    };

    public static long Length(object? value) => value switch
    {
        string s => StringLength(s),
        System.Collections.ICollection c => c.Count,
        Undefined => 0,
        _ => throw new JinjaRuntimeException($"object of type '{PyOps.TypeName(value)}' has no len()"),
    };

    private static long StringLength(string s)
    {
        foreach (var c in s)
        {
            if (char.IsSurrogate(c))
            {
                return s.EnumerateRunes().Count();
            }
        }
        return s.Length;
    }

    public static bool Contains(object? container, object? item)
    {
        switch (container)
        {
            case string s:
                if (item is string sub)
                {
                    return s.Contains(sub, StringComparison.Ordinal);
                }
                throw new JinjaRuntimeException($"'in <string>' requires string as left operand, not {PyOps.TypeName(item)}");
            case JinjaDict dict:
                RequireHashable(item);
                return item is not null and not Undefined && dict.ContainsKey(item);
            case IList<object?> list:
                foreach (var element in list)
                {
                    if (PyOps.AreEqual(element, item))
                    {
                        return true;
                    }
                }
                return false;
            case Undefined:
                return false;
            default:
                throw new JinjaRuntimeException($"argument of type '{PyOps.TypeName(container)}' is not iterable");
        }
    }

    /// <summary>Lists and dicts cannot be dict keys or set members in Python: lookups with them raise TypeError.</summary>
    public static object? RequireHashable(object? value) => value is List<object?> or JinjaDict
        ? throw new JinjaRuntimeException($"unhashable type: '{PyOps.TypeName(value)}'")
        : value;

    public static string Join(IList<object?> items, string separator)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(separator);
            }
            sb.Append(PyFormat.ToStr(items[i]));
            RenderContext.EnsureSize(sb.Length);
        }
        return sb.ToString();
    }
}
