using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts.FineTuning;

/// <summary>
/// A hyper-parameter as OpenAI accepts it: the string <c>"auto"</c>, a number or a boolean. Which of these a
/// field allows is checked when the request is resolved, so the error can name the field.
/// </summary>
[JsonConverter(typeof(HyperparameterValueConverter))]
public readonly record struct HyperparameterValue(bool IsAuto, double? Number, bool? Flag)
{
    public static HyperparameterValue Auto { get; } = new(true, null, null);
}

/// <summary>Reads <c>"auto"</c>, numbers and booleans; anything else is a JSON error naming the field.</summary>
public sealed class HyperparameterValueConverter : JsonConverter<HyperparameterValue>
{
    public override HyperparameterValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String when reader.ValueTextEquals("auto"u8) => HyperparameterValue.Auto,
        JsonTokenType.Number => new HyperparameterValue(false, reader.GetDouble(), null),
        JsonTokenType.True or JsonTokenType.False => new HyperparameterValue(false, null, reader.GetBoolean()),
        _ => throw new JsonException("must be \"auto\" or a number."),
    };

    public override void Write(Utf8JsonWriter writer, HyperparameterValue value, JsonSerializerOptions options)
    {
        if (value.IsAuto) writer.WriteStringValue("auto");
        else if (value.Number is { } number) writer.WriteNumberValue(number);
        else if (value.Flag is { } flag) writer.WriteBooleanValue(flag);
        else writer.WriteNullValue();
    }
}
