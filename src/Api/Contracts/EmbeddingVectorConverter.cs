using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>Writes an <see cref="EmbeddingVector"/> as OpenAI does: a number array, or a base64 string of float32 LE bytes.</summary>
public sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var bytes = Convert.FromBase64String(reader.GetString()!);
            var values = new float[bytes.Length / sizeof(float)];
            for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            return new EmbeddingVector(values, true);
        }
        return new EmbeddingVector(JsonSerializer.Deserialize(ref reader, OpenAiJsonContext.Default.SingleArray) ?? [], false);
    }

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        if (!value.AsBase64)
        {
            writer.WriteStartArray();
            foreach (var v in value.Values) writer.WriteNumberValue(v);
            writer.WriteEndArray();
            return;
        }
        if (BitConverter.IsLittleEndian)
        {
            writer.WriteBase64StringValue(MemoryMarshal.AsBytes(value.Values.AsSpan()));
            return;
        }
        var bytes = new byte[value.Values.Length * sizeof(float)];
        for (var i = 0; i < value.Values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), value.Values[i]);
        writer.WriteBase64StringValue(bytes);
    }
}
