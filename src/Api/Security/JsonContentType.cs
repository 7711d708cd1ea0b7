using Microsoft.Net.Http.Headers;

namespace Llm.Api.Security;

/// <summary>Which Content-Type values count as JSON: <c>application/json</c> and <c>application/*+json</c>, with any parameters.</summary>
public static class JsonContentType
{
    /// <summary>Whether <paramref name="contentType"/> (a Content-Type header value) names JSON.</summary>
    public static bool IsJson(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        var type = media.MediaType.Value ?? string.Empty;
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
