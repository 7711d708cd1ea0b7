using System.Text.Json;

namespace Llm.Runtime.Grammar;

/// <summary>Arrays: items with minItems/maxItems, and tuples via prefixItems (or the older array form of items).</summary>
internal sealed partial class SchemaConverter
{
    private string ArrayRule(JsonElement schema, string path, string hint)
    {
        var min = Count(schema, "minItems", path) ?? 0;
        var max = Count(schema, "maxItems", path);
        CheckRange(min, max, "maxItems", path);

        // 2020-12 tuples: prefixItems + items; drafts 4-7: items as an array + additionalItems.
        var hasItems = schema.TryGetProperty("items", out var items);
        JsonElement prefix = default, rest = default;
        string prefixKeyword = "prefixItems", restKeyword = "items";
        var hasPrefix = schema.TryGetProperty("prefixItems", out prefix);
        var hasRest = hasItems;
        rest = items;
        if (!hasPrefix && hasItems && items.ValueKind == JsonValueKind.Array)
        {
            (hasPrefix, prefix, prefixKeyword) = (true, items, "items");
            restKeyword = "additionalItems";
            hasRest = schema.TryGetProperty("additionalItems", out rest);
        }
        if (hasPrefix && prefix.ValueKind != JsonValueKind.Array)
            throw new JsonSchemaGrammarException(prefixKeyword, Child(path, prefixKeyword), $"'{prefixKeyword}' must be an array of schemas");

        var space = _rules.Primitive("space");
        var comma = $"\",\" {space}";
        var open = $"\"[\" {space}";
        var close = $"\"]\" {space}";
        var prefixCount = hasPrefix ? prefix.GetArrayLength() : 0;
        if (prefixCount > _options.MaxPrefixItems)
            throw new JsonSchemaGrammarException(prefixKeyword, Child(path, prefixKeyword), $"'{prefixKeyword}' has {prefixCount} schemas; at most {_options.MaxPrefixItems} are supported");

        // Extra items beyond the tuple: none if 'false'; any value if absent after a tuple (JSON Schema allows
        // them, but only minItems should make a model write them).
        int? maxLength = max;
        if (hasRest && rest.ValueKind == JsonValueKind.False) maxLength = Math.Min(max ?? int.MaxValue, prefixCount);
        else if (!hasRest && hasPrefix) maxLength = Math.Min(max ?? int.MaxValue, Math.Max(prefixCount, min));
        string? restItem = null;
        if (maxLength is null || maxLength > prefixCount)
            restItem = hasRest ? ItemRule(rest, Child(path, restKeyword), $"{hint}-item") : _rules.Primitive("value");
        if (min > (maxLength ?? int.MaxValue))
            throw new JsonSchemaGrammarException("minItems", Child(path, "minItems"), "'minItems' exceeds the items the array may hold");
        if (maxLength == 0) return $"{open} {close}";

        var tupleLength = Math.Min(prefixCount, maxLength ?? int.MaxValue);
        if (tupleLength == 0)
        {
            // Plain list: item ("," item){min-1,max-1}, optional as a whole when min is 0.
            var more = Repeated($"{hint}-items", _rules.Add($"{hint}-more", $"{comma} {restItem}"), Math.Max(min - 1, 0), maxLength - 1);
            var list = Join(restItem!, more);
            return min == 0 ? $"{open} ( {list} )? {close}" : $"{open} {list} {close}";
        }

        // Tuple: positions below minItems are required, later ones optional, each nested inside the previous.
        var tail = "";
        if (restItem is not null && (maxLength is null || maxLength > tupleLength))
            tail = Repeated($"{hint}-items", _rules.Add($"{hint}-more", $"{comma} {restItem}"), Math.Max(min - tupleLength, 0), maxLength - tupleLength);
        for (var i = tupleLength - 1; i >= 0; i--)
        {
            var item = ItemRule(prefix[i], Child(Child(path, prefixKeyword), i.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{hint}-{i}");
            var element = Join(i == 0 ? item : $"{comma} {item}", tail);
            tail = i >= min ? $"( {element} )?" : element;
        }
        return $"{open} {tail} {close}";
    }

    private string ItemRule(JsonElement schema, string path, string hint) =>
        AfterInput(() => _rules.Symbol(hint, Visit(schema, path, hint)));
}
