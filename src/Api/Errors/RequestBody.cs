using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Llm.Api.Errors;

/// <summary>Reads a JSON request body, turning every way it can be wrong into a 4xx OpenAI error.</summary>
public static class RequestBody
{
    /// <summary>Deserializes the body; throws <see cref="OpenAiException"/> for malformed, mistyped or oversized bodies.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw OpenAiErrors.Map(ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or DecoderFallbackException or ArgumentException)
        {
            // Utf8JsonReader reports invalid UTF-8 inside strings this way rather than as JsonException.
            throw OpenAiException.InvalidRequest("The request body is not valid UTF-8 JSON.", null);
        }
        return value ?? throw OpenAiException.InvalidRequest("The request body must be a JSON object.", null);
    }
}
