using System.Net;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>
/// Schemas that nest past the converter's limit answer 400 naming the parameter, as other schema errors do; a
/// chain of <c>$ref</c>s nests the converter while the JSON stays flat, so the body's own depth limit does not catch it.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HostileSchemaHttpTests(ServerFixture server)
{
    private static string RefChain(int n)
    {
        var sb = new StringBuilder("{\"$defs\":{");
        for (var i = 0; i < n; i++) sb.Append($"\"d{i}\":{{\"$ref\":\"#/$defs/d{i + 1}\"}},");
        sb.Append($"\"d{n}\":{{\"type\":\"object\"}}}},\"$ref\":\"#/$defs/d0\"}}");
        return sb.ToString();
    }

    private static string DeepItems(int n) =>
        string.Concat(Enumerable.Repeat("{\"type\":\"array\",\"items\":", n)) + "{}" + new string('}', n);

    [Theory]
    [InlineData(10_000)]
    [InlineData(100_000)]
    public async Task A_response_format_whose_references_nest_too_deeply_is_a_400(int n)
    {
        var body = """{"model":"demo","messages":[{"role":"user","content":"hi"}],"max_tokens":2,"response_format":{"type":"json_schema","json_schema":{"name":"deep","schema":""" + RefChain(n) + "}}}";
        var error = await PostErrorAsync(body);
        Assert.Equal("invalid_json_schema", error.GetProperty("code").GetString());
        Assert.Equal("response_format.json_schema.schema", error.GetProperty("param").GetString());
        Assert.Contains("nests more than 128 levels", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_schema_nested_deeper_than_a_body_may_be_is_a_400_and_the_server_keeps_serving()
    {
        var body = """{"model":"demo","messages":[{"role":"user","content":"hi"}],"max_tokens":2,"response_format":{"type":"json_schema","json_schema":{"name":"deep","schema":""" + DeepItems(10_000) + "}}}";
        await PostErrorAsync(body);
        using var ok = await server.Http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"demo","messages":[{"role":"user","content":"hi"}],"max_tokens":2}"""));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    private async Task<JsonElement> PostErrorAsync(string body)
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return Sse.Parse(await response.Content.ReadAsStringAsync()).GetProperty("error");
    }
}
