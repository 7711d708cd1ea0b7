namespace Llm.Runtime.Inference;

/// <summary>
/// Finds stop strings in generated text that arrives in pieces. Text that could still turn into a stop
/// string is held back, so a partial match is never emitted and a stop string is never shown.
/// </summary>
/// <remarks>Not thread-safe: one instance per sequence.</remarks>
public sealed class StopMatcher
{
    private readonly string[] _stops;
    private readonly int _maxStopLength;
    private string _pending = string.Empty;

    /// <summary>Initializes a new instance of the <see cref="StopMatcher"/> class.</summary>
    public StopMatcher(IReadOnlyList<string> stops)
    {
        ArgumentNullException.ThrowIfNull(stops);
        _stops = stops.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        _maxStopLength = _stops.Length == 0 ? 0 : _stops.Max(s => s.Length);
    }

    /// <summary>Gets a value indicating whether a stop string has been found.</summary>
    public bool Stopped { get; private set; }

    /// <summary>
    /// Adds a piece of generated text and returns the text that is now safe to emit. Once a stop string
    /// is found, returns the text before it and sets <see cref="Stopped"/>.
    /// </summary>
    public string Push(string piece)
    {
        if (Stopped) return string.Empty;
        if (_stops.Length == 0) return piece;

        var text = _pending + piece;
        var stopAt = -1;
        foreach (var stop in _stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt)) stopAt = at;
        }
        if (stopAt >= 0)
        {
            Stopped = true;
            _pending = string.Empty;
            return text[..stopAt];
        }

        var hold = HeldBackLength(text);
        _pending = text[^hold..];
        return text[..^hold];
    }

    /// <summary>Returns the text held back at the end of generation (it never completed a stop string).</summary>
    public string Flush()
    {
        var rest = Stopped ? string.Empty : _pending;
        _pending = string.Empty;
        return rest;
    }

    // The longest suffix of text that is a proper prefix of some stop string.
    private int HeldBackLength(string text)
    {
        var longest = Math.Min(text.Length, _maxStopLength - 1);
        for (var length = longest; length > 0; length--)
        {
            var suffix = text.AsSpan(text.Length - length);
            foreach (var stop in _stops)
            {
                if (stop.Length > length && stop.AsSpan().StartsWith(suffix, StringComparison.Ordinal)) return length;
            }
        }
        return 0;
    }
}
