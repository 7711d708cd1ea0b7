namespace Llm.Runtime.Chat.Jinja;

/// <summary>Global functions every template sees, including the two Hugging Face adds.</summary>
internal static class Globals
{
    // Jinja2's sandbox caps range() so a template cannot allocate without bound.
    private const long MaxRange = 100_000;

    public static Dictionary<string, object?> Create(JinjaOptions options) => new(StringComparer.Ordinal)
    {
        ["range"] = new BuiltinFunction("range", (_, a) => Range(a)),
        ["namespace"] = new BuiltinFunction("namespace", (_, a) => Namespace(a)),
        ["dict"] = new BuiltinFunction("dict", (_, a) => Dict(a)),
        ["raise_exception"] = new BuiltinFunction("raise_exception", (_, a) =>
            throw new JinjaRaiseException(PyFormat.ToStr(a.Get(0, "message", string.Empty)))),
        ["strftime_now"] = new BuiltinFunction("strftime_now", (_, a) =>
            Strftime.Format(options.Clock.GetLocalNow(), PyFormat.ToStr(a.Get(0, "format")))),
    };

    private static List<object?> Range(CallArgs args)
    {
        long start = 0, stop, step = 1;
        if (args.Count == 1)
        {
            stop = Methods.ToLong(args.Positional[0]);
        }
        else if (args.Count is 2 or 3)
        {
            start = Methods.ToLong(args.Positional[0]);
            stop = Methods.ToLong(args.Positional[1]);
            step = args.Count == 3 ? Methods.ToLong(args.Positional[2]) : 1;
        }
        else
        {
            throw new JinjaRuntimeException($"range expected 1 to 3 arguments, got {args.Count}");
        }
        if (step == 0)
        {
            throw new JinjaRuntimeException("range() arg 3 must not be zero");
        }
        var result = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            if (result.Count >= MaxRange)
            {
                throw new JinjaRuntimeException($"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
            }
            result.Add(i);
        }
        return result;
    }

    private static JinjaNamespace Namespace(CallArgs args)
    {
        var ns = new JinjaNamespace();
        foreach (var positional in args.Positional)
        {
            if (positional is not JinjaDict initial)
            {
                throw new JinjaRuntimeException("namespace() takes a mapping and keyword arguments");
            }
            foreach (var pair in initial)
            {
                ns.Attributes[pair.Key] = pair.Value;
            }
        }
        foreach (var pair in args.Named ?? [])
        {
            ns.Attributes[pair.Key] = pair.Value;
        }
        return ns;
    }

    private static JinjaDict Dict(CallArgs args)
    {
        var dict = args.Count > 0 && args.Positional[0] is JinjaDict source ? source.Copy() : new JinjaDict();
        foreach (var pair in args.Named ?? [])
        {
            dict[pair.Key] = pair.Value;
        }
        return dict;
    }
}
