using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Llm.Bench;

/// <summary>Streaming <c>/v1/completions</c> clients that time every chunk as it arrives.</summary>
internal sealed class HttpLoad(HttpClient http, string model, int endOfSequence)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Runs <paramref name="clients"/> concurrent clients, each sending <paramref name="requestsPerClient"/> requests one after another.</summary>
    public async Task<Round> RunAsync(int clients, int requestsPerClient, Func<int, int, int[]> prompt, int maxTokens)
    {
        var tasks = Enumerable.Range(0, clients).Select(async client =>
        {
            var results = new List<RequestResult>();
            for (var r = 0; r < requestsPerClient; r++) results.Add(await SendAsync(prompt(client, r), maxTokens));
            return results;
        });
        var all = (await Task.WhenAll(tasks)).SelectMany(r => r).ToList();
        return new Round(clients, all);
    }

    /// <summary>Streams one completion; never throws, a failure is recorded in the result.</summary>
    public async Task<RequestResult> SendAsync(int[] prompt, int maxTokens)
    {
        var start = _clock.Elapsed.TotalSeconds;
        var arrivals = new List<double>(maxTokens);
        int completion = 0, cached = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent(Body(prompt, maxTokens), Encoding.UTF8, "application/json") };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
                return RequestResult.Failed(start, _clock.Elapsed.TotalSeconds, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                if (line == "data: [DONE]") break;
                // Cheap test for the common case; only the usage chunk and errors are parsed.
                if (line.Contains("\"usage\":null", StringComparison.Ordinal))
                {
                    if (!line.Contains("\"text\":\"\"", StringComparison.Ordinal)) arrivals.Add(_clock.Elapsed.TotalSeconds);
                    continue;
                }
                using var json = JsonDocument.Parse(line.AsMemory(6));
                if (json.RootElement.TryGetProperty("error", out var error)) return RequestResult.Failed(start, _clock.Elapsed.TotalSeconds, error.ToString());
                var usage = json.RootElement.GetProperty("usage");
                completion = usage.GetProperty("completion_tokens").GetInt32();
                cached = usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or TaskCanceledException)
        {
            return RequestResult.Failed(start, _clock.Elapsed.TotalSeconds, ex.Message);
        }
        var end = _clock.Elapsed.TotalSeconds;
        if (arrivals.Count == 0 || completion == 0) return RequestResult.Failed(start, end, "no tokens");
        var gaps = new List<double>(arrivals.Count);
        for (var i = 1; i < arrivals.Count; i++) gaps.Add(arrivals[i] - arrivals[i - 1]);
        return new RequestResult(true, null, start, end, arrivals[0] - start, gaps, completion, cached);
    }

    private string Body(int[] prompt, int maxTokens)
    {
        var ids = string.Join(',', prompt.Select(t => t.ToString(CultureInfo.InvariantCulture)));
        var bias = endOfSequence >= 0 ? $",\"logit_bias\":{{\"{endOfSequence}\":-100}}" : "";
        return $"{{\"model\":\"{model}\",\"prompt\":[{ids}],\"max_tokens\":{maxTokens},\"temperature\":0,\"stream\":true,\"stream_options\":{{\"include_usage\":true}}{bias}}}";
    }
}

/// <summary>One timed request.</summary>
internal sealed record RequestResult(bool Ok, string? Error, double Start, double End, double Ttft, IReadOnlyList<double> Itl, int CompletionTokens, int CachedTokens)
{
    public static RequestResult Failed(double start, double end, string error) => new(false, error, start, end, double.NaN, [], 0, 0);
}

/// <summary>The requests of one run of concurrent clients.</summary>
internal sealed record Round(int Clients, IReadOnlyList<RequestResult> Requests)
{
    public int Failed => Requests.Count(r => !r.Ok);

    /// <summary>Gets generated tokens over the wall time from the first request sent to the last one done.</summary>
    public double TokensPerSecond => Requests.Sum(r => r.CompletionTokens) / (Requests.Max(r => r.End) - Requests.Min(r => r.Start));
}
