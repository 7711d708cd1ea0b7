namespace Llm.Runtime.Chat.Jinja;

/// <summary>Filters over sequences and mappings.</summary>
internal static partial class Filters
{
    private static void AddCollectionFilters(Dictionary<string, FilterFunction> all)
    {
        all["first"] = (_, v, _) => Sequence(v) is { Count: > 0 } l ? l[0] : new Undefined("No first item, sequence was empty.");
        all["last"] = (_, v, _) => Sequence(v) is { Count: > 0 } l ? l[^1] : new Undefined("No last item, sequence was empty.");
        all["list"] = (_, v, _) => new List<object?>(Sequence(v));
        all["items"] = Items;
        all["join"] = Join;
        all["reverse"] = Reverse;
        all["unique"] = Unique;
        all["sort"] = Sort;
        all["dictsort"] = DictSort;
        all["select"] = (c, v, a) => Select(c, v, a, attribute: false, keep: true);
        all["reject"] = (c, v, a) => Select(c, v, a, attribute: false, keep: false);
        all["selectattr"] = (c, v, a) => Select(c, v, a, attribute: true, keep: true);
        all["rejectattr"] = (c, v, a) => Select(c, v, a, attribute: true, keep: false);
        all["map"] = Map;
        all["sum"] = Sum;
        all["min"] = (_, v, a) => Extreme(v, a, sign: -1);
        all["max"] = (_, v, a) => Extreme(v, a, sign: 1);
    }

    private static IList<object?> Sequence(object? value) => PyAccess.Iterate(value);

    private static object? Items(RenderContext context, object? value, CallArgs args)
    {
        if (value is Undefined)
        {
            return new List<object?>();
        }
        if (value is not JinjaDict dict)
        {
            throw new JinjaRuntimeException("Can only get item pairs from a mapping.");
        }
        return Methods.Call(dict, "items", CallArgs.None);
    }

    private static object? Join(RenderContext context, object? value, CallArgs args)
    {
        var items = Sequence(value);
        if (args.Get(1, "attribute") is { } attribute and not Undefined)
        {
            items = MapAttribute(items, attribute, null);
        }
        return PyAccess.Join(items, Soft(args.Get(0, "d", string.Empty)));
    }

    private static object? Reverse(RenderContext context, object? value, CallArgs args)
    {
        if (value is string s)
        {
            var runes = PyAccess.ToRunes(s);
            runes.Reverse();
            return PyAccess.Join(runes, string.Empty);
        }
        var list = new List<object?>(Sequence(value));
        list.Reverse();
        return list;
    }

    /// <summary>Sort and unique compare strings case-insensitively unless told otherwise, as Jinja2 does.</summary>
    private static object? SortKey(object? item, object? attribute, bool caseSensitive)
    {
        var key = AttributeGetter(item, attribute);
        return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
    }

    private static object? Unique(RenderContext context, object? value, CallArgs args)
    {
        var caseSensitive = PyOps.IsTruthy(args.Get(0, "case_sensitive", false));
        var attribute = args.Get(1, "attribute");
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in Sequence(value))
        {
            var key = SortKey(item, attribute, caseSensitive);
            PyAccess.RequireHashable(key);
            if (!PyAccess.Contains(seen, key))
            {
                seen.Add(key);
                result.Add(item);
            }
        }
        return result;
    }

    private static object? Sort(RenderContext context, object? value, CallArgs args)
    {
        var reverse = PyOps.IsTruthy(args.Get(0, "reverse", false));
        var caseSensitive = PyOps.IsTruthy(args.Get(1, "case_sensitive", false));
        var attribute = args.Get(2, "attribute");
        var items = new List<object?>(Sequence(value));
        var keys = new List<(object? Key, int Index)>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            keys.Add((SortKey(items[i], attribute, caseSensitive), i));
        }
        // Index as the tie-breaker keeps the sort stable, like Python's.
        keys.Sort((a, b) =>
        {
            // Jinja2's sort keys are one-item lists, which Python compares by equality before ordering.
            var order = PyOps.AreEqual(a.Key, b.Key) ? 0 : PyOps.Compare(a.Key, b.Key, "<");
            return order != 0 ? (reverse ? -order : order) : a.Index.CompareTo(b.Index);
        });
        var result = new List<object?>(items.Count);
        foreach (var (_, index) in keys)
        {
            result.Add(items[index]);
        }
        return result;
    }

    private static object? DictSort(RenderContext context, object? value, CallArgs args)
    {
        if (value is not JinjaDict dict)
        {
            throw new JinjaRuntimeException("You can only sort by either \"key\" or \"value\" of a dict");
        }
        var caseSensitive = PyOps.IsTruthy(args.Get(0, "case_sensitive", false));
        var byValue = Soft(args.Get(1, "by", "key")) == "value";
        var reverse = PyOps.IsTruthy(args.Get(2, "reverse", false));
        var pairs = new List<object?>();
        foreach (var pair in dict)
        {
            pairs.Add(new object?[] { pair.Key, pair.Value });
        }
        pairs.Sort((a, b) =>
        {
            var i = byValue ? 1 : 0;
            var order = PyOps.Compare(SortKey(((object?[])a!)[i], null, caseSensitive), SortKey(((object?[])b!)[i], null, caseSensitive), "<");
            return reverse ? -order : order;
        });
        return pairs;
    }

    /// <summary>select, reject, selectattr, rejectattr: like Jinja2, a falsy input (none, undefined, empty) yields nothing, unchecked.</summary>
    private static object? Select(RenderContext context, object? value, CallArgs args, bool attribute, bool keep)
    {
        if (!PyOps.IsTruthy(value))
        {
            return new List<object?>();
        }
        var offset = attribute ? 1 : 0;
        var attributeName = attribute ? args.Get(0, "attribute") : null;
        TestFunction? test = null;
        var testArgs = CallArgs.None;
        if (args.Count > offset)
        {
            var name = Soft(args.Positional[offset]);
            test = Tests.Find(name) ?? throw new JinjaRuntimeException($"No test named '{name}'.");
            testArgs = args.Skip(offset + 1);
        }
        var result = new List<object?>();
        foreach (var item in Sequence(value))
        {
            var subject = attribute ? AttributeGetter(item, attributeName) : item;
            var passed = test is null ? PyOps.IsTruthy(subject) : test(context, subject, testArgs);
            if (passed == keep)
            {
                result.Add(item);
            }
        }
        return result;
    }

    /// <summary>Like Jinja2, a falsy input (none, undefined, empty) maps to nothing, its arguments unchecked.</summary>
    private static object? Map(RenderContext context, object? value, CallArgs args)
    {
        if (!PyOps.IsTruthy(value))
        {
            return new List<object?>();
        }
        var items = Sequence(value);
        if (args.Count == 0 && args.TryGetNamed("attribute", out var attribute))
        {
            args.TryGetNamed("default", out var fallback);
            return MapAttribute(items, attribute, fallback);
        }
        var name = Soft(args.Get(0, "name"));
        var filter = Find(name) ?? throw new JinjaRuntimeException($"No filter named '{name}'.");
        var filterArgs = args.Skip(1);
        var result = new List<object?>(items.Count);
        foreach (var item in items)
        {
            result.Add(filter(context, item, filterArgs));
        }
        return result;
    }

    private static List<object?> MapAttribute(IList<object?> items, object? attribute, object? fallback)
    {
        var result = new List<object?>(items.Count);
        foreach (var item in items)
        {
            var found = AttributeGetter(item, attribute);
            result.Add(found is Undefined && fallback is not null ? fallback : found);
        }
        return result;
    }

    /// <summary>Jinja2's make_attrgetter: "a.b.0" walks items, dotted parts and integer indexes alike.</summary>
    private static object? AttributeGetter(object? item, object? attribute)
    {
        switch (attribute)
        {
            case null:
                return item;
            case Undefined:
                // No key equals undefined: every lookup misses.
                return PyAccess.GetItem(item, attribute);
        }
        if (attribute is long index)
        {
            return PyAccess.GetItem(item, index);
        }
        var current = item;
        foreach (var part in Soft(attribute).Split('.'))
        {
            object key = long.TryParse(part, out var number) ? number : part;
            current = PyAccess.GetItem(current, key);
        }
        return current;
    }

    private static object? Sum(RenderContext context, object? value, CallArgs args)
    {
        var items = Sequence(value);
        if (args.Get(0, "attribute") is { } attribute and not Undefined)
        {
            items = MapAttribute(items, attribute, null);
        }
        var total = args.Get(1, "start", 0L);
        foreach (var item in items)
        {
            total = PyOps.Add(total, item);
        }
        return total;
    }

    private static object? Extreme(object? value, CallArgs args, int sign)
    {
        var caseSensitive = PyOps.IsTruthy(args.Get(0, "case_sensitive", false));
        var attribute = args.Get(1, "attribute");
        object? best = null;
        object? bestKey = null;
        var any = false;
        foreach (var item in Sequence(value))
        {
            var key = SortKey(item, attribute, caseSensitive);
            if (!any || PyOps.Compare(key, bestKey, "<") * sign > 0)
            {
                best = item;
                bestKey = key;
                any = true;
            }
        }
        return any ? best : new Undefined("No aggregated item, sequence was empty.");
    }
}
