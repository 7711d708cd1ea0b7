using System.Text.Json;

namespace Llm.Api.Limits;

/// <summary>
/// The few top-level fields of a generation request that limits and model loading need, read without binding
/// the whole body. A body that does not parse yields null, and the endpoint answers the precise 400.
/// </summary>
/// <param name="Messages">The number of elements of a top-level <c>messages</c> array, counted without binding them.</param>
/// <param name="Prompts">
/// The number of prompts in a top-level <c>prompt</c> (a string or a list of token ids is one, a list of strings or
/// of token lists is one each); null when there is no <c>prompt</c>.
/// </param>
internal sealed record RequestFields(string? Model, long? MaxTokens, string MaxTokensParam, long? N, bool Stream, int? Messages = null, int? Prompts = null)
{
    public static RequestFields? Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            string? model = null;
            long? maxTokens = null, n = null;
            var param = "max_tokens";
            var stream = false;
            int? messages = null, prompts = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read()) return null;
                switch (name)
                {
                    case "model" when reader.TokenType == JsonTokenType.String:
                        model = reader.GetString();
                        break;
                    case "max_tokens" or "max_completion_tokens" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value):
                        if (maxTokens is null || value > maxTokens)
                        {
                            maxTokens = value;
                            param = name;
                        }
                        break;
                    case "n" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var count):
                        n = count;
                        break;
                    case "stream" when reader.TokenType is JsonTokenType.True:
                        stream = true;
                        break;
                    case "messages" when reader.TokenType == JsonTokenType.StartArray:
                        messages = 0;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            messages++;
                            reader.Skip();
                        }
                        break;
                    case "prompt" when reader.TokenType == JsonTokenType.String:
                        prompts = 1;
                        break;
                    case "prompt" when reader.TokenType == JsonTokenType.StartArray:
                        prompts = 0;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            // A list of token ids is one prompt; anything else is a list of prompts.
                            if (reader.TokenType == JsonTokenType.Number)
                            {
                                prompts = 1;
                                reader.Skip();
                                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) reader.Skip();
                                break;
                            }
                            prompts++;
                            reader.Skip();
                        }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            return new RequestFields(model, maxTokens, param, n, stream, messages, prompts);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid Unicode (a lone surrogate escape); RequestBody names it.
            return null;
        }
    }
}
