using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// Turns caller values (CLR primitives, collections, System.Text.Json trees) into the engine's Python-like
/// model. The copy is deep, so templates that mutate lists or dicts never touch the caller's data.
/// </summary>
internal static class ValueConverter
{
    private const int MaxDepth = 128;

    public static object? FromClr(object? value, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new JinjaLimitException(JinjaLimit.Nesting, $"the chat template's variables nest more than {MaxDepth} levels (or contain a cycle)");
        }
        switch (value)
        {
            case null:
                return null;
            case string or bool or long or double:
                return value;
            case int or short or sbyte or byte or ushort or uint:
                return System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case ulong u:
                return u <= long.MaxValue ? (long)u : (double)u;
            case float f:
                // Through the shortest decimal form, so 0.1f arrives as 0.1 rather than 0.10000000149011612.
                return double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            case decimal m:
                return (double)m;
            case char c:
                return c.ToString();
            case Enum e:
                return e.ToString();
            case JsonElement element:
                return FromJson(element, depth);
            case JsonNode node:
                return FromJsonNode(node, depth);
            case IDictionary dictionary:
                var dict = new JinjaDict(dictionary.Count);
                foreach (DictionaryEntry entry in dictionary)
                {
                    dict[FromClr(entry.Key, depth + 1) ?? "None"] = FromClr(entry.Value, depth + 1);
                }
                return dict;
            case IReadOnlyDictionary<string, object?> readOnly:
                var copy = new JinjaDict(readOnly.Count);
                foreach (var pair in readOnly)
                {
                    copy[pair.Key] = FromClr(pair.Value, depth + 1);
                }
                return copy;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var fromPairs = new JinjaDict();
                foreach (var pair in pairs)
                {
                    fromPairs[pair.Key] = FromClr(pair.Value, depth + 1);
                }
                return fromPairs;
            case IEnumerable sequence:
                var list = new List<object?>();
                foreach (var item in sequence)
                {
                    list.Add(FromClr(item, depth + 1));
                }
                return list;
            case DateTime or DateTimeOffset or Guid or TimeSpan:
                return System.Convert.ToString(value, CultureInfo.InvariantCulture);
            default:
                return FromObject(value, depth);
        }
    }

    /// <summary>Plain objects (records, anonymous types) become dicts of their public properties.</summary>
    private static JinjaDict FromObject(object value, int depth)
    {
        var dict = new JinjaDict();
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.CanRead && property.GetIndexParameters().Length == 0)
            {
                dict[property.Name] = FromClr(property.GetValue(value), depth + 1);
            }
        }
        return dict;
    }

    private static object? FromJson(JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var dict = new JinjaDict();
                foreach (var property in element.EnumerateObject())
                {
                    // Later duplicates win, as with Python's json.loads.
                    dict[property.Name] = FromJson(property.Value, depth + 1);
                }
                return dict;
            case JsonValueKind.Array:
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(FromJson(item, depth + 1));
                }
                return list;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                // json.loads keeps "1.0" a float and "1" an int; the raw text tells them apart.
                var raw = element.GetRawText();
                if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && element.TryGetInt64(out var l))
                {
                    return l;
                }
                return element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    private static object? FromJsonNode(JsonNode node, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
                var dict = new JinjaDict(obj.Count);
                foreach (var pair in obj)
                {
                    dict[pair.Key] = pair.Value is null ? null : FromJsonNode(pair.Value, depth + 1);
                }
                return dict;
            case JsonArray array:
                var list = new List<object?>(array.Count);
                foreach (var item in array)
                {
                    list.Add(item is null ? null : FromJsonNode(item, depth + 1));
                }
                return list;
            case JsonValue jsonValue when jsonValue.TryGetValue<JsonElement>(out var element):
                return FromJson(element, depth);
            default:
                return FromClr(node.GetValue<object>(), depth + 1);
        }
    }
}
