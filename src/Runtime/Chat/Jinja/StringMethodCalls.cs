using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>Python str methods, with Python's rules for whitespace splitting and casing.</summary>
internal static class StringMethodCalls
{
    public static object? Call(string s, string name, CallArgs args)
    {
        switch (name)
        {
            case "strip": return Strip(s, args.Get(0, "chars"), true, true);
            case "lstrip": return Strip(s, args.Get(0, "chars"), true, false);
            case "rstrip": return Strip(s, args.Get(0, "chars"), false, true);
            case "split": return Split(s, args.Get(0, "sep"), args.Get(1, "maxsplit", -1L));
            case "rsplit": return RSplit(s, args.Get(0, "sep"), args.Get(1, "maxsplit", -1L));
            case "splitlines": return ToList(s.Split('\n'), dropTrailingEmpty: true);
            case "startswith": return Affix(s, args.Get(0, "prefix"), start: true);
            case "endswith": return Affix(s, args.Get(0, "suffix"), start: false);
            case "upper": return s.ToUpperInvariant();
            case "lower": return s.ToLowerInvariant();
            case "title": return Title(s);
            case "capitalize": return Capitalize(s);
            case "swapcase": return SwapCase(s);
            case "replace": return Replace(s, Str(args.Get(0, "old")), Str(args.Get(1, "new")), Methods.ToLong(args.Get(2, "count", -1L)));
            case "find": return (long)s.IndexOf(Str(args.Get(0, "sub")), StringComparison.Ordinal);
            case "rfind": return (long)s.LastIndexOf(Str(args.Get(0, "sub")), StringComparison.Ordinal);
            case "count": return CountOf(s, Str(args.Get(0, "sub")));
            case "join": return PyAccess.Join(PyAccess.Iterate(args.Get(0, "iterable")), s);
            case "isdigit": return s.Length > 0 && s.All(char.IsDigit);
            case "isalpha": return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum": return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace": return s.Length > 0 && s.All(char.IsWhiteSpace);
            case "isupper": return s.Any(char.IsLetter) && s == s.ToUpperInvariant();
            case "islower": return s.Any(char.IsLetter) && s == s.ToLowerInvariant();
            case "removeprefix":
                var prefix = Str(args.Get(0, "prefix"));
                return s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;
            default:
                var suffix = Str(args.Get(0, "suffix"));
                return suffix.Length > 0 && s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;
        }
    }

    private static string Str(object? value) => value switch
    {
        string s => s,
        Undefined u => throw u.Fail(),
        _ => throw new JinjaRuntimeException($"must be str, not {PyOps.TypeName(value)}"),
    };

    public static string Strip(string s, object? chars, bool left, bool right)
    {
        if (chars is null or Undefined)
        {
            return left && right ? s.Trim() : left ? s.TrimStart() : s.TrimEnd();
        }
        var set = Str(chars).ToCharArray();
        return left && right ? s.Trim(set) : left ? s.TrimStart(set) : s.TrimEnd(set);
    }

    private static List<object?> Split(string s, object? separator, object? maxSplit)
    {
        var max = Methods.ToLong(maxSplit);
        var result = new List<object?>();
        if (separator is null)
        {
            // sep=None: split on runs of whitespace and drop empty ends.
            var i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i]))
                {
                    i++;
                }
                if (i >= s.Length)
                {
                    break;
                }
                if (max >= 0 && result.Count == max)
                {
                    result.Add(s[i..]);
                    break;
                }
                var start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i]))
                {
                    i++;
                }
                result.Add(s[start..i]);
            }
            return result;
        }
        var sep = Str(separator);
        if (sep.Length == 0)
        {
            throw new JinjaRuntimeException("empty separator");
        }
        var parts = max < 0 ? s.Split(sep) : s.Split(sep, (int)Math.Min(max + 1, int.MaxValue));
        return ToList(parts, dropTrailingEmpty: false);
    }

    private static List<object?> RSplit(string s, object? separator, object? maxSplit)
    {
        var max = Methods.ToLong(maxSplit);
        if (max < 0 || separator is null)
        {
            return Split(s, separator, maxSplit);
        }
        var sep = Str(separator);
        var result = new List<object?>();
        var end = s.Length;
        while (result.Count < max)
        {
            var at = s.LastIndexOf(sep, end - 1 < 0 ? 0 : end - 1, StringComparison.Ordinal);
            if (at < 0 || end == 0 || at + sep.Length > end)
            {
                break;
            }
            result.Insert(0, s[(at + sep.Length)..end]);
            end = at;
        }
        result.Insert(0, s[..end]);
        return result;
    }

    private static List<object?> ToList(string[] parts, bool dropTrailingEmpty)
    {
        var count = dropTrailingEmpty && parts.Length > 0 && parts[^1].Length == 0 ? parts.Length - 1 : parts.Length;
        var list = new List<object?>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(parts[i]);
        }
        return list;
    }

    private static bool Affix(string s, object? affix, bool start)
    {
        if (affix is object?[] options)
        {
            foreach (var option in options)
            {
                if (Affix(s, option, start))
                {
                    return true;
                }
            }
            return false;
        }
        var text = Str(affix);
        return start ? s.StartsWith(text, StringComparison.Ordinal) : s.EndsWith(text, StringComparison.Ordinal);
    }

    public static string Replace(string s, string old, string replacement, long count)
    {
        // One call can multiply the length (''.replace inserts everywhere), so the result is priced first.
        var occurrences = Math.Min(CountOf(s, old), count < 0 ? long.MaxValue : count);
        RenderContext.EnsureSize(s.Length + occurrences * Math.Max(0L, replacement.Length - old.Length));
        if (count < 0)
        {
            return old.Length == 0 ? InsertEverywhere(s, replacement) : s.Replace(old, replacement, StringComparison.Ordinal);
        }
        var sb = new StringBuilder();
        var position = 0;
        for (long done = 0; done < count; done++)
        {
            var at = s.IndexOf(old, position, StringComparison.Ordinal);
            if (at < 0 || old.Length == 0)
            {
                break;
            }
            sb.Append(s, position, at - position).Append(replacement);
            position = at + old.Length;
        }
        return sb.Append(s, position, s.Length - position).ToString();
    }

    private static string InsertEverywhere(string s, string insert)
    {
        var sb = new StringBuilder(insert);
        foreach (var c in s)
        {
            sb.Append(c).Append(insert);
        }
        return sb.ToString();
    }

    private static long CountOf(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return s.Length + 1;
        }
        long count = 0;
        for (var at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>str.title(): a letter is upper-cased when it follows an uncased character.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            var cased = char.IsUpper(c) || char.IsLower(c);
            sb.Append(cased ? (previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c);
            previousCased = cased;
        }
        return sb.ToString();
    }

    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static string SwapCase(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = char.IsUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
        }
        return new string(chars);
    }
}
