using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>Reads <c>stop</c> given as one string or as an array of strings.</summary>
public sealed class StopConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return [reader.GetString()!];
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Expected a string or an array of strings.");
        var stops = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("Each stop sequence must be a string.");
            stops.Add(reader.GetString()!);
        }
        return stops;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var stop in value) writer.WriteStringValue(stop);
        writer.WriteEndArray();
    }
}
