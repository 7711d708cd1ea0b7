using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Llm.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Operations;

/// <summary>The Prometheus exposition, request ids, and the OpenAPI document against the real route table.</summary>
public sealed partial class MetricsAndOpenApiTests
{
    [Fact]
    public async Task MetricsExposeEveryListedFamilyInValidPrometheusText()
    {
        await using var server = await OpsServer.StartAsync();
        var prompt = string.Join(' ', Enumerable.Repeat("a longer shared prompt", 12));
        var cachedResponses = 0;
        for (var i = 0; i < 3; i++)
        {
            using var reply = await Chat.PostAsync(server.Http, Chat.Body(content: prompt));
            var usage = (await Chat.JsonAsync(reply)).GetProperty("usage");
            if (usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32() > 0) cachedResponses++;
        }
        await server.Http.GetAsync("/v1/nope");

        using var response = await server.Http.GetAsync("/metrics");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        var samples = Parse(text);

        Assert.Contains(samples, s => s.Name == "http_requests_received_total" && s.Labels.Contains("endpoint=\"/v1/chat/completions\"") && s.Labels.Contains("code=\"200\"") && s.Value >= 3);
        Assert.Contains(samples, s => s.Name == "http_requests_received_total" && s.Labels.Contains("code=\"404\""));
        Assert.True(Value(samples, "llm_prompt_tokens_total") > 0);
        Assert.True(Value(samples, "llm_generated_tokens_total") >= 3);
        Assert.Equal(0, Value(samples, "llm_queue_depth"));
        Assert.Equal(0, Value(samples, "llm_active_sequences"));
        Assert.InRange(Value(samples, "llm_kv_cache_usage_ratio"), 0, 1);
        var hitRatio = Value(samples, "llm_prefix_cache_hit_ratio");
        // The ratio is hits over lookups: it agrees with what the responses reported as cached.
        Assert.Equal(cachedResponses / 3.0, hitRatio, 3);
        Assert.True(Value(samples, "llm_model_load_seconds") > 0);
        Assert.Equal(1, Value(samples, "llm_model_loaded"));
        foreach (var histogram in new[] { "llm_time_to_first_token_seconds", "llm_inter_token_latency_seconds" })
        {
            var count = Value(samples, histogram + "_count");
            Assert.True(count > 0, histogram);
            Assert.Equal(count, samples.Single(s => s.Name == histogram + "_bucket" && s.Labels.Contains("le=\"+Inf\"")).Value);
            var buckets = samples.Where(s => s.Name == histogram + "_bucket").Select(s => s.Value).ToArray();
            Assert.Equal(buckets.Order(), buckets); // cumulative
            Assert.Contains($"# TYPE {histogram} histogram", text);
        }
        Assert.Contains("# TYPE llm_queue_depth gauge", text);
        Assert.Contains("# TYPE llm_prompt_tokens_total counter", text);
    }

    [Fact]
    public async Task EveryResponseCarriesARequestIdAndAPlainClientIdIsKept()
    {
        await using var server = await OpsServer.StartAsync();
        using var generated = await server.Http.GetAsync("/v1/models");
        Assert.False(string.IsNullOrEmpty(generated.Headers.GetValues("X-Request-Id").Single()));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Add("X-Request-Id", "trace-42");
        using var echoed = await server.Http.SendAsync(request);
        Assert.Equal("trace-42", echoed.Headers.GetValues("X-Request-Id").Single());
        using var hostile = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        hostile.Headers.TryAddWithoutValidation("X-Request-Id", "bad id\twith spaces");
        using var replaced = await server.Http.SendAsync(hostile);
        Assert.NotEqual("bad id\twith spaces", replaced.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task OpenApiDescribesEveryRouteWithItsBodiesAndErrorsAndDocsServeScalar()
    {
        await using var server = await OpsServer.StartAsync();
        var document = JsonDocument.Parse(await server.Http.GetStringAsync("/openapi/v1.json")).RootElement;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");

        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription != true)
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .ToArray();
        Assert.True(routes.Length >= 20, $"only {routes.Length} routes");
        foreach (var route in routes)
        {
            var template = "/" + route.RoutePattern.RawText!.TrimStart('/').Replace("{**", "{", StringComparison.Ordinal);
            if (template.StartsWith("/openapi", StringComparison.Ordinal) || template.StartsWith("/docs", StringComparison.Ordinal)) continue;
            Assert.True(paths.TryGetProperty(template, out var item), $"{template} is not in the document");
            foreach (var method in route.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {template} is not in the document");
                Assert.True(operation.GetProperty("responses").TryGetProperty("200", out _), $"{method} {template} has no 200");
                if (template != "/health") Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{method} {template} has no 401");
                if (method == "POST" && !template.EndsWith("/cancel", StringComparison.Ordinal))
                    Assert.True(operation.TryGetProperty("requestBody", out _), $"POST {template} has no request body");
            }
        }

        var chat = paths.GetProperty("/v1/chat/completions").GetProperty("post");
        var schema = Resolve(document, chat.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        foreach (var field in new[] { "model", "messages", "max_tokens", "stream", "temperature" })
            Assert.True(schema.GetProperty("properties").TryGetProperty(field, out _), $"chat request schema lacks {field}");
        var ok = chat.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(ok.TryGetProperty("application/json", out _) && ok.TryGetProperty("text/event-stream", out _), ok.ToString());
        var error = Resolve(document, chat.GetProperty("responses").GetProperty("429").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(error.GetProperty("properties").TryGetProperty("error", out _));
        Assert.True(paths.GetProperty("/v1/files").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));

        using var docs = await server.Http.GetAsync("/docs");
        Assert.Equal(200, (int)docs.StatusCode);
        var html = await docs.Content.ReadAsStringAsync();
        Assert.Contains("scalar", html, StringComparison.OrdinalIgnoreCase);
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (!schema.TryGetProperty("$ref", out var reference)) return schema;
        var name = reference.GetString()!.Split('/')[^1];
        return document.GetProperty("components").GetProperty("schemas").GetProperty(name);
    }

    private sealed record Sample(string Name, string Labels, double Value);

    private static double Value(IReadOnlyList<Sample> samples, string name)
        => samples.Where(s => s.Name == name && s.Labels.Contains("model=\"demo\"")).Select(s => s.Value).DefaultIfEmpty(double.NaN).Single();

    // Every line is a comment (# HELP / # TYPE) or `name{labels} value`, as the text format 0.0.4 requires.
    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(@"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$", line);
                continue;
            }
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample: {line}");
            samples.Add(new Sample(match.Groups[1].Value, match.Groups[2].Value, double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture)));
        }
        return samples;
    }

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$")]
    private static partial Regex SampleLine();
}
