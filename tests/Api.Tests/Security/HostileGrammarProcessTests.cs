using System.Net;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>
/// Structured-output requests that used to kill the server process, against the real executable: schemas whose
/// grammar llama.cpp's parser refuses (its repetition threshold), schemas too wide for the converter's stack, and
/// logit biases that ban every token the grammar allows. Each answers cleanly (a 400 naming the parameter, or a
/// 200 that still follows the grammar) and the process keeps serving.
/// </summary>
public sealed class HostileGrammarProcessTests(DemoServerProcessFixture server) : IClassFixture<DemoServerProcessFixture>
{
    private const string Messages = "\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4";

    private static string ResponseFormat(string schema) => "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":" + schema + "}}";

    private static string Tools(string parameters) =>
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":" + parameters + "}}],\"tool_choice\":\"required\"";

    private static string NestedArrays(int depth, int maxItems) =>
        string.Concat(Enumerable.Repeat("{\"type\":\"array\",\"maxItems\":" + maxItems + ",\"items\":", depth)) + "{\"type\":\"integer\"}" + new string('}', depth);

    private static string PrefixItems(int n) =>
        """{"type":"array","prefixItems":[""" + string.Join(",", Enumerable.Repeat("""{"type":"integer"}""", n)) + "]}";

    // Bounds at and past llama.cpp's repetition threshold (2000 = elements x bound), for one symbol and for groups.
    public static TheoryData<string, bool> SchemasThatParse() => new()
    {
        { """{"type":"string","maxLength":2000}""", false },
        { """{"type":"string","maxLength":2000}""", true },
        { """{"type":"string","maxLength":1999}""", false },
        { """{"type":"string","minLength":1999}""", true },
        { """{"type":"string","minLength":1000,"maxLength":1999}""", false },
        { """{"type":"array","maxItems":2000}""", false },
        { """{"type":"array","maxItems":1000,"items":{"type":"integer"}}""", true },
        { """{"type":"array","minItems":700,"items":{"type":"integer"}}""", false },
        { NestedArrays(3, 2000), false },
        { NestedArrays(3, 700), true },
        { """{"type":"array","prefixItems":[{"type":"integer"}],"items":{"type":"string"},"maxItems":1000}""", false },
        { """{"type":"object","properties":{"a":{"type":"string","maxLength":2000},"b":{"type":"array","maxItems":1999}}}""", true },
    };

    [Theory]
    [MemberData(nameof(SchemasThatParse))]
    public async Task A_large_repetition_bound_is_enforced_or_relaxed_never_a_crash(string schema, bool stream)
    {
        var body = $$"""{{{Messages}},"stream":{{(stream ? "true" : "false")}},"response_format":{{ResponseFormat(schema)}}}""";
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        if (!stream) Assert.Equal(JsonValueKind.String, Sse.Parse(text).GetProperty("choices")[0].GetProperty("message").GetProperty("content").ValueKind);
        await server.AssertAliveAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_whose_parameters_repeat_past_the_threshold_is_still_called(bool stream)
    {
        var body = $$"""{{{Messages}},"stream":{{(stream ? "true" : "false")}},{{Tools("""{"type":"object","properties":{"s":{"type":"string","maxLength":2000},"a":{"type":"array","maxItems":2000,"items":{"type":"array","maxItems":2000}}}}""")}}}""";
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await server.AssertAliveAsync();
    }

    // Past what the converter can bound: 400 naming the parameter and the limit, before any byte of a stream.
    public static TheoryData<string, string, string> SchemasRefused() => new()
    {
        { """{"type":"string","minLength":2000}""", "response_format", "1999" },
        { """{"type":"array","minItems":5000}""", "response_format", "1999" },
        { PrefixItems(1000), "response_format", "at most 100" },
        { """{"type":"object","properties":{""" + string.Join(",", Enumerable.Range(0, 16_000).Select(i => $"\"p{i}\":{{\"type\":\"integer\"}}")) + "}}", "response_format", "1000" },
        { """{"enum":[""" + string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"\"v{i}\"")) + "]}", "response_format", "1000" },
        { """{"type":"string","minLength":5,"maxLength":3}""", "response_format", "maxLength" },
        { """{"type":"array","minItems":5,"maxItems":3}""", "response_format", "maxItems" },
    };

    [Theory]
    [MemberData(nameof(SchemasRefused))]
    public async Task A_schema_past_a_limit_is_a_400_naming_it_streamed_or_not(string schema, string param, string limit)
    {
        foreach (var stream in new[] { false, true })
        {
            var body = $$"""{{{Messages}},"stream":{{(stream ? "true" : "false")}},"response_format":{{ResponseFormat(schema)}}}""";
            var started = DateTime.UtcNow;
            using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json(body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
            var error = Sse.Parse(text).GetProperty("error");
            Assert.StartsWith(param, error.GetProperty("param").GetString());
            Assert.Equal("invalid_json_schema", error.GetProperty("code").GetString());
            Assert.Contains(limit, error.GetProperty("message").GetString());
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "The refusal took " + (DateTime.UtcNow - started));
        }
        await server.AssertAliveAsync();
    }

    [Fact]
    public async Task A_tool_schema_past_a_limit_is_a_400_naming_tools()
    {
        var body = $$"""{{{Messages}},{{Tools("""{"type":"object","properties":{"s":{"type":"string","minLength":3000}}}""")}}}""";
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("tools", Sse.Parse(text).GetProperty("error").GetProperty("param").GetString());
        await server.AssertAliveAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_whose_parameters_use_their_own_defs_is_called(bool stream)
    {
        var body = $$"""{{{Messages}},"max_tokens":200,"temperature":1,"seed":2,"stream":{{(stream ? "true" : "false")}},{{Tools("""{"type":"object","properties":{"x":{"$ref":"#/$defs/t"}},"required":["x"],"$defs":{"t":{"type":"string","maxLength":3}}}""")}}}""";
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json(body.Replace("\"max_tokens\":4,", "")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        Assert.True(text.Contains("tool_calls"), text[..Math.Min(text.Length, 3000)]);
        await server.AssertAliveAsync();
    }

    private static string Bias(IEnumerable<int> tokens) => "{" + string.Join(",", tokens.Select(t => $"\"{t}\":-100")) + "}";

    // Demo vocabulary: 356 tokens. Every token banned, every token but a few (which the grammar forbids or not),
    // and the sampler settings that narrow the candidates further.
    public static TheoryData<string, string> Bans() => new()
    {
        { Bias(Enumerable.Range(0, 356)), "" },
        { Bias(Enumerable.Range(0, 356)), ""","temperature":0""" },
        { Bias(Enumerable.Range(0, 356)), ""","top_k":1,"top_p":0.01""" },
        { Bias(Enumerable.Range(0, 356)), ""","min_p":0.99,"temperature":2""" },
        { Bias(Enumerable.Range(0, 356)), ""","temperature":0.00001""" },
        { Bias(Enumerable.Range(1, 355)), "" },
        { Bias(Enumerable.Range(0, 355)), ""","top_k":1""" },
        { Bias(Enumerable.Range(0, 356).Where(t => t % 50 != 7)), ""","top_p":0.05""" },
    };

    [Theory]
    [MemberData(nameof(Bans))]
    public async Task Banning_every_token_the_grammar_allows_still_follows_the_grammar(string bias, string sampling)
    {
        foreach (var stream in new[] { false, true })
        {
            var body = $$"""{{{Messages}},"stream":{{(stream ? "true" : "false")}},"response_format":{"type":"json_object"},"logit_bias":{{bias}}{{sampling}}}""";
            using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json(body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
            var content = stream ? StreamedContent(text) : Sse.Parse(text).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
            // Whatever the bans, the grammar still holds: a JSON object starts with '{' (whitespace aside).
            Assert.StartsWith("{", content.TrimStart());
        }
        await server.AssertAliveAsync();
    }

    private static string StreamedContent(string sse)
    {
        var sb = new StringBuilder();
        foreach (var line in sse.Split('\n'))
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            var chunk = Sse.Parse(line["data: ".Length..]);
            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String) sb.Append(c.GetString());
            }
        }
        return sb.ToString();
    }
}
