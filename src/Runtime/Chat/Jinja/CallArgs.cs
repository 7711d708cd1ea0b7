namespace Llm.Runtime.Chat.Jinja;

/// <summary>Evaluated arguments of a call, filter or test: positional values and keyword pairs.</summary>
internal readonly struct CallArgs
{
    public static readonly CallArgs None = new(Array.Empty<object?>(), null);

    public CallArgs(object?[] positional, KeyValuePair<string, object?>[]? named)
    {
        Positional = positional;
        Named = named;
    }

    public object?[] Positional { get; }

    public KeyValuePair<string, object?>[]? Named { get; }

    public int Count => Positional.Length;

    /// <summary>Python-style parameter binding: positional slot first, then the keyword, then the default.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        if (index >= 0 && index < Positional.Length)
        {
            return Positional[index];
        }
        return TryGetNamed(name, out var value) ? value : fallback;
    }

    public bool Has(int index, string name) =>
        (index >= 0 && index < Positional.Length) || TryGetNamed(name, out _);

    public bool TryGetNamed(string name, out object? value)
    {
        if (Named is not null)
        {
            foreach (var pair in Named)
            {
                if (pair.Key == name)
                {
                    value = pair.Value;
                    return true;
                }
            }
        }
        value = null;
        return false;
    }

    public CallArgs Skip(int count)
    {
        if (count >= Positional.Length)
        {
            return new CallArgs(Array.Empty<object?>(), Named);
        }
        return new CallArgs(Positional[count..], Named);
    }
}
