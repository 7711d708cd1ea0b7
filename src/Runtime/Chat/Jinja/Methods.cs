namespace Llm.Runtime.Chat.Jinja;

/// <summary>The Python methods of str, dict and list that chat templates call.</summary>
internal static class Methods
{
    private static readonly HashSet<string> StringMethods = new(StringComparer.Ordinal)
    {
        "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "upper", "lower",
        "title", "capitalize", "swapcase", "replace", "find", "rfind", "count", "join", "isdigit", "isalpha",
        "isalnum", "isspace", "isupper", "islower", "removeprefix", "removesuffix",
    };

    private static readonly HashSet<string> DictMethods = new(StringComparer.Ordinal)
    {
        "items", "keys", "values", "get", "copy", "update", "pop", "setdefault",
    };

    private static readonly HashSet<string> ListMethods = new(StringComparer.Ordinal)
    {
        "append", "extend", "pop", "insert", "index", "count", "copy", "reverse", "remove", "clear",
    };

    public static bool IsStringMethod(string name) => StringMethods.Contains(name);

    public static bool IsDictMethod(string name) => DictMethods.Contains(name);

    public static bool IsListMethod(string name) => ListMethods.Contains(name);

    public static bool IsMethodOf(object? target, string name) => target switch
    {
        string => StringMethods.Contains(name),
        JinjaDict => DictMethods.Contains(name),
        List<object?> => ListMethods.Contains(name),
        _ => false,
    };

    public static object? Call(object target, string name, CallArgs args) => target switch
    {
        string s => StringMethodCalls.Call(s, name, args),
        JinjaDict d => CallDict(d, name, args),
        List<object?> l => CallList(l, name, args),
        _ => throw new JinjaRuntimeException($"'{PyOps.TypeName(target)}' object has no attribute '{name}'"),
    };

    private static object? CallDict(JinjaDict dict, string name, CallArgs args)
    {
        switch (name)
        {
            case "items":
                var items = new List<object?>(dict.Count);
                foreach (var pair in dict)
                {
                    items.Add(new object?[] { pair.Key, pair.Value });
                }
                return items;
            case "keys":
                return new List<object?>(dict.Keys);
            case "values":
                return new List<object?>(dict.Values);
            case "get":
                var key = args.Get(0, "key");
                return key is not null and not Undefined && dict.TryGetValue(key, out var found) ? found : args.Get(1, "default");
            case "copy":
                return dict.Copy();
            case "update":
                if (args.Get(0, "other") is JinjaDict other)
                {
                    foreach (var pair in other)
                    {
                        dict[pair.Key] = pair.Value;
                    }
                }
                foreach (var pair in args.Named ?? [])
                {
                    dict[pair.Key] = pair.Value;
                }
                return null;
            case "pop":
                var popKey = args.Get(0, "key") ?? throw new JinjaRuntimeException("pop expected a key");
                if (dict.Remove(popKey, out var removed))
                {
                    return removed;
                }
                return args.Count > 1 ? args.Positional[1] : throw new JinjaRuntimeException($"KeyError: {PyFormat.Repr(popKey)}");
            default:
                var setKey = args.Get(0, "key") ?? throw new JinjaRuntimeException("setdefault expected a key");
                if (!dict.TryGetValue(setKey, out var existing))
                {
                    existing = args.Get(1, "default");
                    dict[setKey] = existing;
                }
                return existing;
        }
    }

    private static object? CallList(List<object?> list, string name, CallArgs args)
    {
        switch (name)
        {
            case "append":
                list.Add(args.Get(0, "object"));
                return null;
            case "extend":
                list.AddRange(PyAccess.Iterate(args.Get(0, "iterable")));
                return null;
            case "insert":
                var at = (int)Math.Clamp(ToLong(args.Get(0, "index")), -list.Count, list.Count);
                list.Insert(at < 0 ? at + list.Count : at, args.Get(1, "object"));
                return null;
            case "pop":
                if (list.Count == 0)
                {
                    throw new JinjaRuntimeException("pop from empty list");
                }
                var index = args.Count > 0 ? ToLong(args.Positional[0]) : -1;
                if (index < 0)
                {
                    index += list.Count;
                }
                if (index < 0 || index >= list.Count)
                {
                    throw new JinjaRuntimeException("pop index out of range");
                }
                var value = list[(int)index];
                list.RemoveAt((int)index);
                return value;
            case "index":
                var wanted = args.Get(0, "value");
                for (var i = 0; i < list.Count; i++)
                {
                    if (PyOps.AreEqual(list[i], wanted))
                    {
                        return (long)i;
                    }
                }
                throw new JinjaRuntimeException($"{PyFormat.Repr(wanted)} is not in list");
            case "count":
                long count = 0;
                foreach (var item in list)
                {
                    count += PyOps.AreEqual(item, args.Get(0, "value")) ? 1 : 0;
                }
                return count;
            case "copy":
                return new List<object?>(list);
            case "reverse":
                list.Reverse();
                return null;
            case "remove":
                var target = args.Get(0, "value");
                var position = list.FindIndex(item => PyOps.AreEqual(item, target));
                if (position < 0)
                {
                    throw new JinjaRuntimeException("list.remove(x): x not in list");
                }
                list.RemoveAt(position);
                return null;
            default:
                list.Clear();
                return null;
        }
    }

    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        Undefined u => throw u.Fail(),
        _ => throw new JinjaRuntimeException($"'{PyOps.TypeName(value)}' object cannot be interpreted as an integer"),
    };
}
