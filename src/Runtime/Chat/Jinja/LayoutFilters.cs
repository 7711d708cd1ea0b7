using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>Jinja2's filters that lay text or items out: center, truncate, forceescape, batch and slice.</summary>
internal static partial class Filters
{
    // Jinja2's default policy "truncate.leeway": a string at most this much longer than asked is left whole.
    private const long TruncateLeeway = 5;

    private static void AddLayoutFilters(Dictionary<string, FilterFunction> all)
    {
        all["center"] = Center;
        all["truncate"] = Truncate;
        all["forceescape"] = Escape;
        all["batch"] = Batch;
        all["slice"] = SliceInto;
    }

    /// <summary>Python's str.center: the odd space goes left when the width is odd, else right.</summary>
    private static object? Center(RenderContext context, object? value, CallArgs args)
    {
        var text = Soft(value);
        var width = Width(Methods.ToLong(args.Get(0, "width", 80L)));
        var length = (int)PyAccess.Length(text);
        if (width <= length)
        {
            return text;
        }
        var pad = width - length;
        var left = (pad / 2) + (pad & width & 1);
        return new StringBuilder(width).Append(' ', left).Append(text).Append(' ', pad - left).ToString();
    }

    private static object? Truncate(RenderContext context, object? value, CallArgs args)
    {
        var length = Methods.ToLong(args.Get(0, "length", 255L));
        var killWords = PyOps.IsTruthy(args.Get(1, "killwords", false));
        var end = Soft(args.Get(2, "end", "..."));
        var leewayArg = args.Get(3, "leeway");
        var leeway = leewayArg is null ? TruncateLeeway : Methods.ToLong(leewayArg);
        var endLength = PyAccess.Length(end);
        if (length < endLength)
        {
            throw new JinjaRuntimeException($"expected length >= {endLength}, got {length}");
        }
        if (leeway < 0)
        {
            throw new JinjaRuntimeException($"expected leeway >= 0, got {leeway}");
        }
        // len() first: a list or dict short enough comes back whole; none and numbers have no len().
        if (PyAccess.Length(value) <= length + leeway)
        {
            return value;
        }
        if (value is not string text)
        {
            throw new JinjaRuntimeException($"truncate: cannot cut a '{PyOps.TypeName(value)}'");
        }
        var head = (string)PyAccess.Slice(text, null, length - endLength, null)!;
        if (killWords)
        {
            return head + end;
        }
        var space = head.LastIndexOf(' ');
        return (space >= 0 ? head[..space] : head) + end;
    }

    /// <summary>Groups items into lists of <c>linecount</c>, the last one padded with <c>fill_with</c> when given.</summary>
    private static object? Batch(RenderContext context, object? value, CallArgs args)
    {
        var count = Methods.ToLong(args.Get(0, "linecount"));
        var fill = args.Get(1, "fill_with");
        var result = new List<object?>();
        var current = new List<object?>();
        foreach (var item in Sequence(value))
        {
            if (current.Count == count)
            {
                result.Add(current);
                current = [];
            }
            current.Add(item);
        }
        if (current.Count > 0)
        {
            while (fill is not null && current.Count < count)
            {
                current.Add(fill);
            }
            result.Add(current);
        }
        return result;
    }

    /// <summary>Cuts the items into <c>slices</c> columns, the longer ones first; shorter ones padded with <c>fill_with</c>.</summary>
    private static object? SliceInto(RenderContext context, object? value, CallArgs args)
    {
        var items = Sequence(value);
        var slices = Methods.ToLong(args.Get(0, "slices"));
        var fill = args.Get(1, "fill_with");
        if (slices > MaxSlices)
        {
            throw new JinjaRuntimeException($"slice: at most {MaxSlices} slices");
        }
        if (slices == 0)
        {
            throw new JinjaRuntimeException("integer division or modulo by zero");
        }
        if (slices < 0)
        {
            return new List<object?>();
        }
        var perSlice = items.Count / (int)slices;
        var withExtra = items.Count % (int)slices;
        var result = new List<object?>();
        var offset = 0;
        for (var number = 0; number < slices; number++)
        {
            var start = offset + (number * perSlice);
            if (number < withExtra)
            {
                offset++;
            }
            var end = offset + ((number + 1) * perSlice);
            var part = new List<object?>();
            for (var i = start; i < end && i < items.Count; i++)
            {
                part.Add(items[i]);
            }
            if (fill is not null && number >= withExtra)
            {
                part.Add(fill);
            }
            result.Add(part);
        }
        return result;
    }

    // range() in Jinja2's sandbox stops at 100,000 items; so many empty slices is as far as a template can ask.
    private const long MaxSlices = 100_000;
}
