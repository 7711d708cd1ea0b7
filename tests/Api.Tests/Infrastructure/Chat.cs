using System.Net.Http.Json;
using System.Text.Json;

namespace Llm.Api.Tests.Infrastructure;

/// <summary>Small request helpers for the operations tests.</summary>
internal static class Chat
{
    /// <summary>The demo model's '.' token; banning it keeps the demo model from ever ending its reply, for long streams.</summary>
    public const int DemoPeriodToken = 273;

    public static object Body(string model = "demo", string content = "hi", bool stream = false, int? maxTokens = null, bool endless = false) => new Dictionary<string, object?>
    {
        ["model"] = model,
        ["messages"] = new[] { new { role = "user", content } },
        ["temperature"] = 0,
        ["stream"] = stream,
        ["max_tokens"] = maxTokens,
        ["logit_bias"] = endless ? new Dictionary<string, int> { [DemoPeriodToken.ToString(System.Globalization.CultureInfo.InvariantCulture)] = -100 } : null,
    }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, object body) => http.PostAsJsonAsync("/v1/chat/completions", body);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Asserts an OpenAI-shaped error and returns its body.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.True(error.TryGetProperty("message", out _) && error.TryGetProperty("type", out _) && error.TryGetProperty("param", out _));
        return error;
    }
}
