using System.Text;
using System.Text.Json;

namespace Llm.Finetune.Data;

/// <summary>
/// Parses one JSON Lines row with <see cref="Utf8JsonReader"/>, appending features straight into the
/// shared list: no DOM and no per-number strings, which matters for files of millions of numbers.
/// </summary>
internal ref struct JsonlRow
{
    public bool HasFeatures;
    public int FeatureCount;
    public string? Text;
    public string? Label;
    public float? Target;

    public static JsonlRow Parse(ReadOnlySpan<byte> utf8, int lineNumber, List<float> features)
    {
        var row = default(JsonlRow);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new DatasetFormatException(lineNumber, null, null, "each line must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "features" when !row.HasFeatures:
                        row.HasFeatures = true;
                        row.FeatureCount = ReadFeatures(ref reader, lineNumber, features);
                        break;
                    case "text" when row.Text is null:
                        row.Text = reader.TokenType == JsonTokenType.String
                            ? reader.GetString()!
                            : throw new DatasetFormatException(lineNumber, "text", null, "'text' must be a string.");
                        break;
                    case "label" when row.Label is null:
                        row.Label = ReadLabel(ref reader, lineNumber);
                        break;
                    case "target" when row.Target is null:
                        row.Target = reader.TokenType == JsonTokenType.Number && reader.TryGetSingle(out float target)
                            ? target
                            : throw new DatasetFormatException(lineNumber, "target", null, $"expected a number, found {Describe(ref reader)}.");
                        break;
                    case "features" or "text" or "label" or "target":
                        throw new DatasetFormatException(lineNumber, name, null, $"'{name}' appears twice.");
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new DatasetFormatException(lineNumber, null, (int)reader.TokenStartIndex + 1, "unexpected content after the object.");
            }
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString reports a string that is not valid Unicode (raw invalid UTF-8, or an escaped
            // lone surrogate such as \ud800) this way, in a property name or a value alike.
            int offset = (int)reader.TokenStartIndex;
            throw new DatasetFormatException(lineNumber, null, offset + 1,
                $"a string at byte {offset} of the line is not valid Unicode (invalid UTF-8, or a lone surrogate escape such as \\ud800).", e);
        }
        catch (JsonException e)
        {
            int? column = e.BytePositionInLine is long position ? (int)position + 1 : null;
            string detail = e.Message.Split(" LineNumber:", 2)[0].TrimEnd();
            throw new DatasetFormatException(lineNumber, null, column, $"malformed JSON ({detail})", e);
        }

        return row;
    }

    private static int ReadFeatures(ref Utf8JsonReader reader, int lineNumber, List<float> features)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new DatasetFormatException(lineNumber, "features", null, "'features' must be an array of numbers.");
        }

        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out float value) || !float.IsFinite(value))
            {
                string found = reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject
                    ? reader.TokenType.ToString()
                    : Encoding.UTF8.GetString(reader.ValueSpan);
                throw new DatasetFormatException(lineNumber, $"features[{count}]", null, $"expected a finite number, found {found}.");
            }

            features.Add(value);
            count++;
        }

        return count > 0 ? count : throw new DatasetFormatException(lineNumber, "features", null, "'features' is empty.");
    }

    private static string ReadLabel(ref Utf8JsonReader reader, int lineNumber) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => throw new DatasetFormatException(lineNumber, "label", null, "'label' must be a string, number or boolean."),
    };

    private static string Describe(ref Utf8JsonReader reader) =>
        reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject ? reader.TokenType.ToString() : Encoding.UTF8.GetString(reader.ValueSpan);
}
