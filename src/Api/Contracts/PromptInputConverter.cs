using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>Reads a prompt given as a string, strings, token ids, or arrays of token ids.</summary>
public sealed class PromptInputConverter : JsonConverter<PromptInput>
{
    public override PromptInput? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new PromptInput([reader.GetString()!], null);
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Expected a string, an array of strings, an array of token ids or an array of token-id arrays.");

        List<string>? texts = null;
        List<IReadOnlyList<int>>? lists = null;
        List<int>? single = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String when lists is null && single is null:
                    (texts ??= []).Add(reader.GetString()!);
                    break;
                case JsonTokenType.Number when texts is null && lists is null:
                    (single ??= []).Add(ReadToken(ref reader));
                    break;
                case JsonTokenType.StartArray when texts is null && single is null:
                    var list = new List<int>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.Number) throw new JsonException("Token ids must be integers.");
                        list.Add(ReadToken(ref reader));
                    }
                    (lists ??= []).Add(list);
                    break;
                default:
                    throw new JsonException("A prompt array must hold only strings, only token ids, or only arrays of token ids.");
            }
        }
        if (single is not null) return new PromptInput(null, [single]);
        if (lists is not null) return new PromptInput(null, lists);
        return new PromptInput(texts ?? [], null);
    }

    public override void Write(Utf8JsonWriter writer, PromptInput value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var text in value.Texts ?? []) writer.WriteStringValue(text);
        foreach (var list in value.TokenLists ?? [])
        {
            writer.WriteStartArray();
            foreach (var token in list) writer.WriteNumberValue(token);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    private static int ReadToken(ref Utf8JsonReader reader)
        => reader.TryGetInt32(out var token) ? token : throw new JsonException("Token ids must be 32-bit integers.");
}
