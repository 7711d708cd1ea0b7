using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Llm.Api.Errors;

/// <summary>Reads a JSON request body, turning every way it can be wrong into a 4xx OpenAI error.</summary>
public static class RequestBody
{
    /// <summary>
    /// Deserializes the body; throws <see cref="OpenAiException"/> for malformed, mistyped or oversized bodies, and for
    /// strings that are not valid Unicode anywhere in it (<c>invalid_unicode</c>, naming where), ignored fields included.
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        // The body is already capped (MaxRequestBodyBytes), and the deserializer would buffer all of it anyway.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = new ReadOnlySpan<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (JsonUnicodeCheck.Find(body) is { } invalid) throw invalid;
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(body, typeInfo);
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
