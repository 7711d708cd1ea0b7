using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Llm.Api.Tests.Infrastructure;

/// <summary>
/// Golden SSE transcripts: a stream's raw bytes, with what legitimately changes between runs (random ids, clock
/// times) normalised, compared with a file committed under <c>tests/Api.Tests/Goldens</c>. Set
/// <c>LLM_UPDATE_GOLDENS=1</c> to rewrite the files after a deliberate change, then review the diff.
/// </summary>
internal static partial class GoldenTranscript
{
    /// <summary>Posts a streaming request and returns the response body exactly as sent.</summary>
    public static async Task<string> ReadRawAsync(HttpClient http, string path, string body, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return text;
    }

    /// <summary>Replaces random ids and clock times with fixed markers; keeps everything else byte for byte.</summary>
    public static string Normalize(string transcript)
    {
        var text = Ids().Replace(transcript, m => m.Groups[1].Value + "ID");
        text = Times().Replace(text, m => m.Groups[1].Value + "0");
        return KeepAlives().Replace(text, string.Empty);
    }

    /// <summary>Asserts that the normalised transcript equals the golden file <paramref name="name"/>.</summary>
    public static void AssertMatches(string name, string transcript, [CallerFilePath] string caller = "")
    {
        var folder = Path.Combine(FindTestsRoot(caller), "Goldens");
        var file = Path.Combine(folder, name + ".sse");
        var actual = Normalize(transcript);
        if (Environment.GetEnvironmentVariable("LLM_UPDATE_GOLDENS") == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(file, actual);
        }
        Assert.True(File.Exists(file), $"No golden transcript {file}; run with LLM_UPDATE_GOLDENS=1 to create it.");
        Assert.Equal(File.ReadAllText(file), actual);
    }

    private static string FindTestsRoot(string caller)
    {
        for (var dir = Path.GetDirectoryName(caller); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Api.Tests.csproj"))) return dir;
        }
        throw new InvalidOperationException($"Api.Tests.csproj not found above {caller}.");
    }

    // OpenAI's chatcmpl-/cmpl-/resp_/msg_/rs_/fc_/call_ ids and Anthropic's msg_/toolu_ ids.
    [GeneratedRegex(@"\b(chatcmpl-|cmpl-|resp_|msg_|rs_|fc_|call_|toolu_)[A-Za-z0-9]{8,}")]
    private static partial Regex Ids();

    [GeneratedRegex(@"(""(?:created|created_at|completed_at)"":\s*)\d+")]
    private static partial Regex Times();

    // Keep-alive comments depend on timing, not on the request.
    [GeneratedRegex(@"^: [^\n]*\n\n", RegexOptions.Multiline)]
    private static partial Regex KeepAlives();
}
