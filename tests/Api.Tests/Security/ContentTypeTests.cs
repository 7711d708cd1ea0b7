using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Llm.Api.Security;
using Llm.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Api.Tests.Security;

/// <summary>
/// Every JSON route, found by enumerating the server's POST endpoints, answers 415 in the OpenAI error shape to a
/// body declared as something other than JSON: the three Content-Types a web page may send cross-origin without a
/// preflight (CSRF), and others. JSON with any charset, <c>application/*+json</c>, and no Content-Type from a
/// non-browser client are accepted; no Content-Type with an Origin header (a browser) is not. Uploads keep multipart.
/// </summary>
public sealed class ContentTypeTests
{
    private const string Body = """{"model":"demo","messages":[{"role":"user","content":"hi"}],"prompt":"hi","input":"hi","training_file":"file-x","max_tokens":1}""";

    private static readonly string[] s_refused =
    [
        "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/xml", "text/json", "application/jsonx", "application/octet-stream", "not a media type",
    ];

    private static readonly string[] s_accepted = ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8", "application/merge-patch+json"];

    [Fact]
    public async Task EveryJsonRouteRefusesBodiesNotDeclaredAsJson()
    {
        await using var server = await OpsServer.StartAsync();
        var routes = JsonPostRoutes(server.Services).ToList();
        Assert.Contains("/v1/chat/completions", routes);
        Assert.Contains("/v1/fine_tuning/jobs", routes);
        Assert.Contains("/v1/fine_tuning/jobs/ftjob-x/cancel", routes);
        Assert.DoesNotContain("/v1/files", routes);

        var failures = new List<string>();
        foreach (var route in routes)
        {
            foreach (var type in s_refused)
            {
                using var response = await PostAsync(server.Http, route, type, origin: null);
                await CheckRefusedAsync(response, $"{route} {type}", failures);
            }
            using (var browser = await PostAsync(server.Http, route, null, origin: "https://evil.example"))
                await CheckRefusedAsync(browser, $"{route} no Content-Type, Origin set", failures);

            foreach (var type in s_accepted)
            {
                using var response = await PostAsync(server.Http, route, type, origin: null);
                if (response.StatusCode == HttpStatusCode.UnsupportedMediaType) failures.Add($"{route} {type}: 415");
            }
            using var script = await PostAsync(server.Http, route, null, origin: null);
            if (script.StatusCode == HttpStatusCode.UnsupportedMediaType) failures.Add($"{route} no Content-Type, no Origin: 415");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // Nothing was created by the refused requests: the job list is as empty as before.
        var jobs = JsonDocument.Parse(await server.Http.GetStringAsync("/v1/fine_tuning/jobs")).RootElement.GetProperty("data");
        Assert.Equal(0, jobs.GetArrayLength());
    }

    [Fact]
    public async Task UploadsStayMultipart()
    {
        await using var server = await OpsServer.StartAsync();
        var client = new FineTuningClient(server.Http);
        var (status, body) = await client.TryUploadAsync("xor.jsonl", Xor);
        Assert.True(status == HttpStatusCode.OK, body.ToString());

        // A web page of another origin cannot upload (a multipart form is a simple request); this server's own origin can.
        using (var evil = await UploadWithOriginAsync(server.Http, "https://evil.example"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, evil.StatusCode);
            Assert.Equal("cross_origin_refused", JsonDocument.Parse(await evil.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        using (var own = await UploadWithOriginAsync(server.Http, server.BaseAddress.GetLeftPart(UriPartial.Authority)))
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var files = JsonDocument.Parse(await server.Http.GetStringAsync("/v1/files")).RootElement.GetProperty("data");
        Assert.Equal(2, files.GetArrayLength());
    }

    [Fact]
    public async Task AnOriginAllowedByCorsOriginMayUpload()
    {
        await using var server = await OpsServer.StartAsync("--cors-origin", "https://app.example");
        using var allowed = await UploadWithOriginAsync(server.Http, "https://app.example");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using var other = await UploadWithOriginAsync(server.Http, "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    private const string Xor = "{\"features\":[0,1],\"label\":\"a\"}\n{\"features\":[1,1],\"label\":\"b\"}\n";

    private static Task<HttpResponseMessage> UploadWithOriginAsync(HttpClient http, string origin)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(Xor));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "xor.jsonl");
        form.Add(new StringContent("fine-tune"), "purpose");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/files") { Content = form };
        request.Headers.TryAddWithoutValidation("Origin", origin);
        return http.SendAsync(request);
    }

    private static async Task CheckRefusedAsync(HttpResponseMessage response, string what, List<string> failures)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.UnsupportedMediaType)
        {
            failures.Add($"{what}: {(int)response.StatusCode} {text}");
            return;
        }
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        if (error.GetProperty("type").GetString() != "invalid_request_error" || error.GetProperty("code").GetString() != "unsupported_media_type"
            || !error.GetProperty("message").GetString()!.StartsWith("Send the body as JSON with Content-Type: application/json", StringComparison.Ordinal))
            failures.Add($"{what}: {text}");
    }

    private static IEnumerable<string> JsonPostRoutes(IServiceProvider services)
        => services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true
                && e.Metadata.GetMetadata<NonJsonBodyAttribute>() is null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/').Replace("{id}", "ftjob-x", StringComparison.Ordinal))
            .Distinct();

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string route, string? type, string? origin)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
        if (type is not null) content.Headers.TryAddWithoutValidation("Content-Type", type);
        var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = content };
        if (origin is not null) request.Headers.TryAddWithoutValidation("Origin", origin);
        return http.SendAsync(request);
    }
}
