using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>Reads content given as a string or as an array of <c>{"type": ...}</c> parts.</summary>
public sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new MessageContent([new ContentPart("text", reader.GetString())], true);
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Expected a string or an array of content parts.");

        var parts = new List<ContentPart>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Each content part must be an object.");
            string? type = null, text = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var property = reader.GetString();
                reader.Read();
                switch (property)
                {
                    case "type":
                        type = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException("A content part's type must be a string.");
                        break;
                    case "text" or "refusal":
                        text = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException($"A content part's {property} must be a string.");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            parts.Add(new ContentPart(type ?? throw new JsonException("A content part has no type."), text));
        }
        return new MessageContent(parts, false);
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.WasString && value.Parts.Count == 1)
        {
            writer.WriteStringValue(value.Parts[0].Text);
            return;
        }
        writer.WriteStartArray();
        foreach (var part in value.Parts)
        {
            writer.WriteStartObject();
            writer.WriteString("type", part.Type);
            if (part.Text is not null) writer.WriteString("text", part.Text);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
