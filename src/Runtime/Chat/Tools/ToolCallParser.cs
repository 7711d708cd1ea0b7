using System.Text;
using System.Text.Json;

namespace Llm.Runtime.Chat.Tools;

/// <summary>
/// Finds tool calls in generated text. Output that looks like a call but is not valid JSON stays text, so a
/// model that merely mentions the syntax does not produce a broken call.
/// </summary>
public static class ToolCallParser
{
    /// <summary>Splits <paramref name="text"/> into content and calls.</summary>
    public static ParsedOutput Parse(string text, ToolCallFormat format) => format switch
    {
        ToolCallFormat.Hermes => ParseTagged(text, "<tool_call>", "</tool_call>"),
        ToolCallFormat.Mistral => ParseList(text, "[TOOL_CALLS]", null, "name", "arguments"),
        ToolCallFormat.CommandR => ParseList(text, "<|START_ACTION|>", "<|END_ACTION|>", "tool_name", "parameters"),
        _ => ParseLlama3(text),
    };

    private const int MaxClosingMarkersTried = 16;

    private static ParsedOutput ParseTagged(string text, string open, string close)
    {
        var calls = new List<ParsedToolCall>();
        var content = new StringBuilder();
        var at = 0;
        while (true)
        {
            var start = text.IndexOf(open, at, StringComparison.Ordinal);
            if (start < 0) break;
            // The closing marker may also stand inside a JSON string of the call: try the next few until the body parses
            // (a bounded number, so a reply full of markers costs linear time).
            var end = text.IndexOf(close, start + open.Length, StringComparison.Ordinal);
            var call = TryCall(end < 0 ? text[(start + open.Length)..] : text[(start + open.Length)..end], "name", "arguments");
            for (var tries = 0; call is null && end >= 0 && tries < MaxClosingMarkersTried; tries++)
            {
                end = text.IndexOf(close, end + close.Length, StringComparison.Ordinal);
                call = TryCall(end < 0 ? text[(start + open.Length)..] : text[(start + open.Length)..end], "name", "arguments");
            }
            if (call is null) break;
            content.Append(text, at, start - at);
            calls.Add(call);
            at = end < 0 ? text.Length : end + close.Length;
        }
        if (calls.Count == 0) return new ParsedOutput(text, []);
        content.Append(text, at, text.Length - at);
        return new ParsedOutput(Trimmed(content.ToString()), calls);
    }

    private static ParsedOutput ParseList(string text, string open, string? close, string nameKey, string argumentsKey)
    {
        var start = text.IndexOf(open, StringComparison.Ordinal);
        if (start < 0) return new ParsedOutput(text, []);
        var bodyStart = start + open.Length;
        var end = close is null ? -1 : text.IndexOf(close, bodyStart, StringComparison.Ordinal);
        var body = end < 0 ? text[bodyStart..] : text[bodyStart..end];
        var calls = new List<ParsedToolCall>();
        try
        {
            using var document = JsonDocument.Parse(body.Trim());
            var items = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().ToArray() : [document.RootElement];
            foreach (var item in items)
            {
                if (ToCall(item, nameKey, argumentsKey) is not { } call) return new ParsedOutput(text, []);
                calls.Add(call);
            }
        }
        catch (JsonException)
        {
            return new ParsedOutput(text, []);
        }
        var rest = end < 0 ? string.Empty : text[(end + close!.Length)..];
        return new ParsedOutput(Trimmed(text[..start] + rest), calls);
    }

    // Llama 3.x answers with one bare JSON object (or several separated by ';'), sometimes after <|python_tag|>.
    private static ParsedOutput ParseLlama3(string text)
    {
        var body = text.Trim();
        if (body.StartsWith("<|python_tag|>", StringComparison.Ordinal)) body = body["<|python_tag|>".Length..].Trim();
        if (!body.StartsWith('{')) return new ParsedOutput(text, []);
        var calls = new List<ParsedToolCall>();
        foreach (var part in body.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var call = TryCall(part, "name", "parameters") ?? TryCall(part, "name", "arguments");
            if (call is null) return new ParsedOutput(text, []);
            calls.Add(call);
        }
        return new ParsedOutput(null, calls);
    }

    private static ParsedToolCall? TryCall(string json, string nameKey, string argumentsKey)
    {
        try
        {
            using var document = JsonDocument.Parse(json.Trim());
            return ToCall(document.RootElement, nameKey, argumentsKey);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ParsedToolCall? ToCall(JsonElement element, string nameKey, string argumentsKey)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(nameKey, out var name) || name.ValueKind != JsonValueKind.String) return null;
        if (!element.TryGetProperty(argumentsKey, out var arguments)) return new ParsedToolCall(name.GetString()!, "{}");
        // Some models write the arguments as a JSON string holding the object.
        var text = arguments.ValueKind == JsonValueKind.String ? arguments.GetString()! : arguments.GetRawText();
        try
        {
            using var parsed = JsonDocument.Parse(text);
            return parsed.RootElement.ValueKind == JsonValueKind.Object ? new ParsedToolCall(name.GetString()!, Compact(parsed.RootElement)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Compact like llama-server's dump(), with the model's characters kept rather than escaped as \uXXXX.
    private static string Compact(JsonElement arguments)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = VerbatimJsonEncoder.Instance }))
        {
            arguments.WriteTo(writer);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string? Trimmed(string content)
    {
        var trimmed = content.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }
}
