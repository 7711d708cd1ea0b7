using System.Text;
using System.Text.RegularExpressions;
using Llm.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Security;

/// <summary>
/// The request rate limit covers every route the server maps, found by enumerating its endpoints (so a route added
/// later is covered, or this test fails), except the public paths.
/// </summary>
public sealed partial class RateLimitCoverageTests
{
    private static readonly string[] s_public = ["/health", "/metrics"];

    [Fact]
    public async Task EveryAuthenticatedEndpointIsRateLimitedAndPublicOnesAreNot()
    {
        var keys = Enumerable.Range(0, 64).Select(i => $"sk-rate-{i}").ToArray();
        var args = new List<string> { "--rate-limit", "1" };
        foreach (var key in keys) args.AddRange(["--api-key", key]);
        foreach (var path in s_public) args.AddRange(["--public-path", path]);
        await using var server = await OpsServer.StartAsync([.. args]);

        var routes = Routes(server.Services).ToList();
        Assert.True(routes.Count <= keys.Length, "one key per route: add keys");
        foreach (var expected in new[] { "POST /apply-template", "POST /tokenize", "POST /detokenize", "POST /v1/chat/completions", "GET /v1/models", "GET /v1/files/x/content" })
            Assert.Contains(expected, routes.Select(r => $"{r.Method} {r.Path}"));

        var failures = new List<string>();
        for (var i = 0; i < routes.Count; i++)
        {
            var (method, path) = routes[i];
            using var client = server.Client(keys[i]);
            using var first = await SendAsync(client, method, path);
            using var second = await SendAsync(client, method, path);
            var isPublic = s_public.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase));
            if ((int)first.StatusCode >= 500 && (int)first.StatusCode != 503) failures.Add($"{method} {path}: first answer {(int)first.StatusCode}");
            if (isPublic && (int)second.StatusCode == 429) failures.Add($"{method} {path}: public, but limited");
            if (!isPublic && (int)second.StatusCode != 429) failures.Add($"{method} {path}: second request in a minute with --rate-limit 1 answered {(int)second.StatusCode}, not 429");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // Public paths stay unlimited however often they are called.
        using var anonymous = server.Client(null);
        for (var i = 0; i < 5; i++) Assert.NotEqual(429, (int)(await anonymous.GetAsync("/health")).StatusCode);
    }

    // Every (method, path) the server maps, with route parameters filled in.
    private static IEnumerable<(string Method, string Path)> Routes(IServiceProvider services)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var path = "/" + Parameter().Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), m => m.Groups[1].Value == "documentName" ? "v1" : "x");
            foreach (var method in methods)
            {
                if (method == "OPTIONS" || !seen.Add($"{method} {path}")) continue;
                yield return (method, path);
            }
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return client.SendAsync(request);
    }

    [GeneratedRegex(@"\{\**([A-Za-z_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
