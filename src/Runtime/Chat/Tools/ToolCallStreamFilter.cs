using System.Text;

namespace Llm.Runtime.Chat.Tools;

/// <summary>
/// Lets streamed text through until a tool call may be starting, then holds the rest back so the call can be
/// parsed whole at the end (clients want complete calls, and half a marker must never reach them).
/// </summary>
/// <remarks>Not thread-safe: one instance per generated choice.</remarks>
public sealed class ToolCallStreamFilter(ToolCallFormat format)
{
    private const string PythonTag = "<|python_tag|>";
    private readonly IReadOnlyList<string> _markers = ToolCallFormats.StartMarkers(format);
    private readonly StringBuilder _held = new();
    private bool _capturing;
    private bool _emittedAny;

    /// <summary>Adds generated text; returns the part that is certainly not a tool call.</summary>
    public string Push(string text)
    {
        _held.Append(text);
        if (_capturing) return string.Empty;

        var pending = _held.ToString();
        if (format == ToolCallFormat.Llama3Json && !_emittedAny)
        {
            // Llama 3 starts a call with a bare '{' (or the python tag): decide on the first visible character.
            var start = pending.TrimStart();
            if (start.Length == 0 || PythonTag.StartsWith(start, StringComparison.Ordinal)) return string.Empty;
            if (start[0] == '{' || start.StartsWith(PythonTag, StringComparison.Ordinal))
            {
                _capturing = true;
                return string.Empty;
            }
        }

        foreach (var marker in _markers)
        {
            var at = pending.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) continue;
            _capturing = true;
            _held.Remove(0, at);
            return Emit(pending[..at]);
        }

        var hold = HeldBackLength(pending);
        _held.Clear().Append(pending, pending.Length - hold, hold);
        return Emit(pending[..^hold]);
    }

    /// <summary>Ends the stream: the calls found in what was held back, and any held text that was not a call.</summary>
    public ParsedOutput Finish()
    {
        var rest = _held.ToString();
        _held.Clear();
        if (!_capturing) return new ParsedOutput(rest.Length == 0 ? null : rest, []);
        var parsed = ToolCallParser.Parse(rest, format);
        return parsed.Calls.Count == 0 ? new ParsedOutput(rest, []) : parsed;
    }

    private string Emit(string text)
    {
        if (text.Length > 0) _emittedAny = true;
        return text;
    }

    private int HeldBackLength(string text)
    {
        for (var length = Math.Min(text.Length, _markers.Max(m => m.Length) - 1); length > 0; length--)
        {
            var suffix = text.AsSpan(text.Length - length);
            foreach (var marker in _markers)
            {
                if (marker.AsSpan().StartsWith(suffix, StringComparison.Ordinal)) return length;
            }
        }
        return 0;
    }
}
