using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Llm.Runtime.Chat;

/// <summary>Escaping of JSON values: tool definitions and tool-call arguments.</summary>
public sealed partial class ControlTextEscaper
{
    // Templates see tool-call arguments parsed (ChatTemplateVariables), so a look-alike hidden behind JSON escapes
    // ("\u003C|im_end|\u003E") reaches them as text: arguments that parse are escaped value by value.
    private string EscapeArguments(string arguments)
    {
        JsonElement parsed;
        try
        {
            using var document = JsonDocument.Parse(arguments);
            parsed = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Escape(arguments)!;
        }
        return NeedsEscape(parsed) ? Escape(parsed).GetRawText() : arguments;
    }

    /// <summary>Escapes every string and property name of JSON values (tool definitions).</summary>
    public IReadOnlyList<JsonElement>? Escape(IReadOnlyList<JsonElement>? values)
    {
        if (values is null) return null;
        var result = new JsonElement[values.Count];
        for (var i = 0; i < result.Length; i++) result[i] = Escape(values[i]);
        return result;
    }

    /// <summary>Escapes every string and property name of a JSON value (returns it unchanged when there is nothing to escape).</summary>
    public JsonElement Escape(JsonElement value)
    {
        if (!NeedsEscape(value)) return value;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            Write(writer, value);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private bool NeedsEscape(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return NeedsEscape(value.GetString()!);
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (NeedsEscape(item)) return true;
                }
                return false;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (NeedsEscape(property.Name) || NeedsEscape(property.Value)) return true;
                }
                return false;
            default:
                return false;
        }
    }

    private bool NeedsEscape(string text) => !ReferenceEquals(Escape(text), text);

    private void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                writer.WriteStringValue(Escape(value.GetString()));
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(Escape(property.Name)!);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
