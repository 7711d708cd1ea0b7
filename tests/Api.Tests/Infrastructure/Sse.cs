using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Llm.Api.Tests.Infrastructure;

/// <summary>Raw HTTP helpers: JSON posts and server-sent-event reading, line by line as curl -N sees them.</summary>
internal static class Sse
{
    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>Posts a body and returns the data payloads of the events in order (including "[DONE]").</summary>
    public static async Task<(HttpResponseMessage Response, List<string> Events)> PostAsync(HttpClient http, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var blank = true;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                blank = true;
                continue;
            }
            Assert.True(blank, $"An event line did not start after a blank line: {line}");
            Assert.StartsWith("data: ", line);
            events.Add(line["data: ".Length..]);
            blank = false;
        }
        return (response, events);
    }

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
