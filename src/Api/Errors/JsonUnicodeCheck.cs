using System.Text;
using System.Text.Json;

namespace Llm.Api.Errors;

/// <summary>
/// Finds the first string or property name in a JSON body that is not valid Unicode: an unpaired surrogate escape
/// (<c>"\ud800"</c>) or invalid UTF-8. System.Text.Json accepts such text while skipping it and only throws when a
/// value is decoded, which happens deep inside whatever reads it (the request gate, a converter, a template), so
/// the whole body is checked once, up front, and the client is told where.
/// </summary>
internal static class JsonUnicodeCheck
{
    /// <summary>Returns the error for the first invalid string, or null when every string is valid or the JSON is malformed (the deserializer reports that).</summary>
    public static OpenAiException? Find(ReadOnlySpan<byte> json)
    {
        // Objects record the property being read, arrays the index of the element being read.
        var frames = new List<(bool IsArray, int Index, string? Name)>();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1024, CommentHandling = JsonCommentHandling.Skip });
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!IsValid(ref reader, out var name)) return Error(frames, reader.ValueIsEscaped, propertyName: true);
                        frames[^1] = frames[^1] with { Name = name };
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Advance(frames);
                        frames.Add((reader.TokenType == JsonTokenType.StartArray, -1, null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.String:
                        Advance(frames);
                        if (!IsValid(ref reader, out _)) return Error(frames, reader.ValueIsEscaped, propertyName: false);
                        break;
                    default:
                        Advance(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static bool IsValid(ref Utf8JsonReader reader, out string? text)
    {
        try
        {
            text = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    private static void Advance(List<(bool IsArray, int Index, string? Name)> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray) frames[^1] = frames[^1] with { Index = frames[^1].Index + 1 };
    }

    private static OpenAiException Error(List<(bool IsArray, int Index, string? Name)> frames, bool escaped, bool propertyName)
    {
        var path = new StringBuilder();
        for (var i = 0; i < frames.Count; i++)
        {
            var (isArray, index, name) = frames[i];
            if (isArray) path.Append('[').Append(index).Append(']');
            else if (!(propertyName && i == frames.Count - 1) && name is not null) path.Append(path.Length > 0 ? "." : "").Append(name);
        }
        var param = path.Length > 0 ? path.ToString() : null;
        var problem = escaped ? "lone surrogate (a \\uD800-\\uDFFF escape without its pair)" : "invalid UTF-8";
        var where = propertyName
            ? param is null ? "in a top-level property name" : $"in a property name inside '{param}'"
            : param is null ? "in the body" : $"at '{param}'";
        return OpenAiException.InvalidRequest($"Invalid Unicode: {problem} {where}. JSON strings must be valid Unicode text.", param, "invalid_unicode");
    }
}
