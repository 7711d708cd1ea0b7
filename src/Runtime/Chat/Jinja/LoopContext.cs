namespace Llm.Runtime.Chat.Jinja;

/// <summary>The <c>loop</c> variable inside a for block.</summary>
internal sealed class LoopContext
{
    private readonly IList<object?> items;
    private object? lastChanged = Undefined.Anonymous;

    public LoopContext(IList<object?> items, int depth0)
    {
        this.items = items;
        Depth0 = depth0;
    }

    public int Index0 { get; set; }

    public int Length => items.Count;

    public int Depth0 { get; }

    public object? GetAttribute(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => (long)(Depth0 + 1),
        "depth0" => (long)Depth0,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 + 1 < Length ? items[Index0 + 1] : new Undefined("there is no next item"),
        "cycle" => new BuiltinFunction("cycle", (_, args) => Cycle(args)),
        "changed" => new BuiltinFunction("changed", (_, args) => Changed(args)),
        _ => new Undefined(name, "LoopContext"),
    };

    private object? Cycle(CallArgs args)
    {
        if (args.Count == 0)
        {
            throw new JinjaRuntimeException("no items for cycling given");
        }
        return args.Positional[Index0 % args.Count];
    }

    private bool Changed(CallArgs args)
    {
        object? value = args.Count == 1 ? args.Positional[0] : args.Positional;
        if (PyOps.AreEqual(value, lastChanged))
        {
            return false;
        }
        lastChanged = value;
        return true;
    }
}
