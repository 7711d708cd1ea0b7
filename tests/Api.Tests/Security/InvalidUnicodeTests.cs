using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Security;

/// <summary>
/// A string that is not valid Unicode (a lone surrogate escape, or invalid UTF-8), anywhere in a JSON body (a value
/// the server reads, one it ignores, a property name), gets 400 <c>invalid_unicode</c> naming where, on every
/// route that reads JSON; the routes are found by enumerating the server's endpoints.
/// </summary>
public sealed class InvalidUnicodeTests
{
    // POST routes that read no JSON body: uploads are multipart, cancelling takes none.
    private static readonly HashSet<string> s_notJson = ["/v1/files", "/v1/fine_tuning/jobs/{id}/cancel"];

    private static readonly (string Body, string? Param, string Says)[] s_bodies =
    [
        ("""{"model":"de\ud800mo","messages":[{"role":"user","content":"hi"}]}""", "model", "at 'model'"),
        ("""{"model":"demo","x\udc00y":1}""", null, "in a top-level property name"),
        ("""{"model":"demo","messages":[{"role":"user","content":"a\ud800"}]}""", "messages[0].content", "at 'messages[0].content'"),
        ("""{"model":"demo","messages":[{"role":"user","content":"hi","n\udfffame":"x"}]}""", "messages[0]", "property name inside 'messages[0]'"),
        ("""{"model":"demo","not_a_field":{"deep":["fine","\udfff"]}}""", "not_a_field.deep[1]", "at 'not_a_field.deep[1]'"),
        ("""{"model":"demo","stop":"\ud800\u0041"}""", "stop", "at 'stop'"),
        ("""{"model":"demo","user":"\udc00\ud800"}""", "user", "at 'user'"),
    ];

    [Fact]
    public async Task EveryJsonRouteAnswers400NamingWhereTheInvalidStringIs()
    {
        await using var server = await OpsServer.StartAsync();
        var posts = PostRoutes(server.Services).ToList();
        Assert.Contains("/v1/chat/completions", posts);
        Assert.Contains("/apply-template", posts);
        var unknown = posts.Where(p => !s_notJson.Contains(p) && p.Contains('{', StringComparison.Ordinal)).ToList();
        Assert.True(unknown.Count == 0, $"POST routes with parameters must be classified here: {string.Join(", ", unknown)}");

        var failures = new List<string>();
        foreach (var route in posts.Where(p => !s_notJson.Contains(p)))
        {
            foreach (var (body, param, says) in s_bodies)
            {
                using var response = await PostAsync(server.Http, route, Encoding.UTF8.GetBytes(body));
                var text = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode != 400) { failures.Add($"{route} {body}: {(int)response.StatusCode} {text}"); continue; }
                var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
                if (error.GetProperty("code").GetString() != "invalid_unicode" || error.GetProperty("param").GetString() != param
                    || !error.GetProperty("message").GetString()!.Contains(says, StringComparison.Ordinal)
                    || !error.GetProperty("message").GetString()!.StartsWith("Invalid Unicode: lone surrogate", StringComparison.Ordinal))
                    failures.Add($"{route} {body}: {text}");
            }

            // Raw bytes that are not UTF-8 (a surrogate encoded as UTF-8) inside a string.
            var raw = Encoding.UTF8.GetBytes("""{"model":"de__mo"}""");
            raw[12] = 0xED;
            raw[13] = 0xA0;
            using var invalidUtf8 = await PostAsync(server.Http, route, [.. raw[..14], 0x80, .. raw[14..]]);
            if ((int)invalidUtf8.StatusCode != 400) failures.Add($"{route} invalid UTF-8: {(int)invalidUtf8.StatusCode}");

            // A proper pair is fine: whatever the route says, it is not about Unicode.
            using var pair = await PostAsync(server.Http, route, Encoding.UTF8.GetBytes("""{"model":"\ud83e\udd99"}"""));
            var pairText = await pair.Content.ReadAsStringAsync();
            if ((int)pair.StatusCode >= 500 || pairText.Contains("invalid_unicode", StringComparison.Ordinal)) failures.Add($"{route} valid pair: {(int)pair.StatusCode} {pairText}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // The routes that read no JSON do not fail on such a body either.
        foreach (var route in s_notJson)
        {
            using var response = await PostAsync(server.Http, route.Replace("{id}", "ftjob-x", StringComparison.Ordinal), Encoding.UTF8.GetBytes(s_bodies[0].Body));
            Assert.InRange((int)response.StatusCode, 400, 499);
        }
    }

    private static IEnumerable<string> PostRoutes(IServiceProvider services)
        => services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Distinct();

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string route, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return http.PostAsync(route, content);
    }
}
