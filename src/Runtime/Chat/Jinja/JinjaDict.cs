namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// A Python dict: keeps insertion order (tojson output and iteration depend on it) and compares
/// keys the Python way (1, 1.0 and True are the same key).
/// </summary>
internal sealed class JinjaDict : OrderedDictionary<object, object?>
{
    public JinjaDict() : base(PyKeyComparer.Instance) { }

    public JinjaDict(int capacity) : base(capacity, PyKeyComparer.Instance) { }

    public JinjaDict Copy()
    {
        var copy = new JinjaDict(Count);
        foreach (var pair in this)
        {
            copy[pair.Key] = pair.Value;
        }
        return copy;
    }
}
