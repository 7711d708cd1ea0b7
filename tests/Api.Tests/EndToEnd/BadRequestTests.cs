using System.Net;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.EndToEnd;

/// <summary>Every client mistake gets an OpenAI-shaped 4xx naming the parameter, and the server keeps serving.</summary>
[Collection(ServerCollection.Name)]
public sealed class BadRequestTests(ServerFixture server)
{
    private const string Chat = "/v1/chat/completions";
    private const string Completions = "/v1/completions";
    private const string User = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    public static TheoryData<string, string, int, string?, string?> Cases => new()
    {
        // path, body, status, param, code
        { Chat, """{"model":"demo",""", 400, null, null },
        { Chat, "[]", 400, null, null },
        { Chat, "null", 400, null, null },
        { Chat, "", 400, null, null },
        { Chat, "{" + User + "}", 400, "model", null },
        { Chat, """{"model":"nope",""" + User + "}", 404, "model", "model_not_found" },
        { Chat, """{"model":"demo"}""", 400, "messages", null },
        { Chat, """{"model":"demo","messages":[]}""", 400, "messages", null },
        { Chat, """{"model":"demo","messages":"hi"}""", 400, "messages", null },
        { Chat, """{"model":"demo","messages":[{"role":"wizard","content":"hi"}]}""", 400, "messages[0].role", null },
        { Chat, """{"model":"demo","messages":[{"content":"hi"}]}""", 400, "messages[0].role", null },
        { Chat, """{"model":"demo","messages":[{"role":"user","content":null}]}""", 400, "messages[0].content", null },
        { Chat, """{"model":"demo","messages":[{"role":"user","content":42}]}""", 400, "messages[0].content", null },
        { Chat, """{"model":"demo","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://x/a.png"}}]}]}""", 400, "messages[0].content[0].type", null },
        { Chat, """{"model":"demo","messages":[{"role":"user","content":"hi"},{"role":"tool","content":"sunny"}]}""", 400, "messages[1].tool_call_id", null },
        { Chat, """{"model":"demo",""" + User + ""","temperature":"hot"}""", 400, "temperature", null },
        { Chat, """{"model":"demo",""" + User + ""","temperature":3}""", 400, "temperature", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","top_p":1.5}""", 400, "top_p", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","max_tokens":0}""", 400, "max_tokens", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","max_completion_tokens":"ten"}""", 400, "max_completion_tokens", null },
        { Chat, """{"model":"demo",""" + User + ""","n":17}""", 400, "n", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","n":0}""", 400, "n", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","stop":5}""", 400, "stop", null },
        { Chat, """{"model":"demo",""" + User + ""","stop":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]}""", 400, "stop", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","presence_penalty":3}""", 400, "presence_penalty", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","frequency_penalty":-2.5}""", 400, "frequency_penalty", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","logit_bias":{"abc":1}}""", 400, "logit_bias", null },
        { Chat, """{"model":"demo",""" + User + ""","logit_bias":{"5":200}}""", 400, "logit_bias", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","logit_bias":{"999999":1}}""", 400, "logit_bias", null },
        { Chat, """{"model":"demo",""" + User + ""","logprobs":true,"top_logprobs":21}""", 400, "top_logprobs", "invalid_value" },
        { Chat, """{"model":"demo",""" + User + ""","top_logprobs":2}""", 400, "top_logprobs", null },
        { Chat, """{"model":"demo",""" + User + ""","tools":[{"type":"function","function":{"name":"bad name!"}}]}""", 400, "tools[0].function.name", null },
        { Chat, """{"model":"demo",""" + User + ""","tools":{"type":"function"}}""", 400, "tools", null },
        { Chat, """{"model":"demo",""" + User + ""","tools":[{"type":"custom","custom":{"name":"x"}}]}""", 400, "tools[0].type", "unsupported_parameter" },
        { Chat, """{"model":"demo",""" + User + ""","tool_choice":"required"}""", 400, "tool_choice", null },
        { Chat, """{"model":"demo",""" + User + ""","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}}}""", 400, "tool_choice", null },
        { Chat, """{"model":"demo",""" + User + ""","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"sometimes"}""", 400, "tool_choice", null },
        { Chat, """{"model":"demo","messages":[{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}""", 400, "messages[0].tool_calls[0].id", null },
        { Chat, """{"model":"demo",""" + User + ""","response_format":{"type":"xml"}}""", 400, "response_format.type", null },
        { Chat, """{"model":"demo",""" + User + ""","response_format":{"type":"json_schema","json_schema":{"schema":{}}}}""", 400, "response_format.json_schema.name", null },
        { Chat, """{"model":"demo",""" + User + ""","response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"not":{"type":"string"}}}}}""", 400, "response_format.json_schema.schema", "invalid_json_schema" },
        { Chat, """{"model":"demo",""" + User + ""","grammar":"root ::= \"a\""}""", 400, "grammar", "unsupported_parameter" },
        { Chat, """{"model":"demo",""" + User + ""","stream_options":{"include_usage":true}}""", 400, "stream_options", null },
        { Chat, """{"model":"demo",""" + User + ""","stream":"yes"}""", 400, "stream", null },
        { Chat, """{"model":"demo",""" + User + ""","seed":"abc"}""", 400, "seed", null },
        { Chat, """{"model":"demo",""" + User + ""","max_tokens":100000}""", 400, "messages", "context_length_exceeded" },
        { Completions, """{"model":"demo"}""", 400, "prompt", null },
        { Completions, """{"model":"demo","prompt":[]}""", 400, "prompt", null },
        { Completions, """{"model":"demo","prompt":[1,"a"]}""", 400, "prompt", null },
        { Completions, """{"model":"demo","prompt":[999999]}""", 400, "prompt", null },
        { Completions, """{"model":"demo","prompt":"hi","echo":true,"logprobs":1}""", 400, "echo", "unsupported_parameter" },
        { Completions, """{"model":"demo","prompt":"hi","logprobs":6}""", 400, "logprobs", "invalid_value" },
        { Completions, """{"model":"demo","prompt":"hi","suffix":"end"}""", 400, "suffix", "unsupported_parameter" },
        { Completions, """{"model":"demo","prompt":"hi","best_of":3}""", 400, "best_of", "unsupported_parameter" },
        { Completions, """{"model":"demo","prompt":["hi","x"],"max_tokens":5000}""", 400, "prompt[0]", "context_length_exceeded" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequestGetsOpenAiError(string path, string body, int status, string? param, string? code)
    {
        using var response = await server.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertErrorAsync(response, status, param, code);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task InvalidUtf8IsA400()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"model":"demo","messages":[{"role":"user","content":"a""");
        var suffix = Encoding.UTF8.GetBytes("\"}]}");
        var content = new ByteArrayContent([.. prefix, 0xC3, 0x28, 0xFF, .. suffix]);
        content.Headers.ContentType = new("application/json");
        using var response = await server.Http.PostAsync(Chat, content);
        await AssertErrorAsync(response, 400, "messages[0].content", null);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task OversizedBodyIsA413()
    {
        var body = """{"model":"demo","messages":[{"role":"user","content":" """ + new string('a', 5 * 1024 * 1024) + "\"}]}";
        // As curl does for large bodies: wait for the server's go-ahead, so a refusal cannot race the upload.
        using var request = new HttpRequestMessage(HttpMethod.Post, Chat) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        using var response = await server.Http.SendAsync(request);
        await AssertErrorAsync(response, 413, null, "request_too_large");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethodAreJsonErrors()
    {
        using (var response = await server.Http.PostAsync("/v1/nothing-here", new StringContent("{}")))
            await AssertErrorAsync(response, 404, null, "unknown_url");
        using (var response = await server.Http.GetAsync(Chat))
            await AssertErrorAsync(response, 405, null, "method_not_allowed");
        using (var response = await server.Http.GetAsync("/v1/models/nope"))
            await AssertErrorAsync(response, 404, "model", "model_not_found");
        await AssertStillServingAsync();
    }

    [Fact]
    public void TheTableHasAtLeast25DistinctCases()
    {
        Assert.True(Cases.Count >= 25);
        Assert.Equal(Cases.Count, Cases.Select(c => (string)c[0] + (string)c[1]).Distinct().Count());
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, int status, string? param, string? code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").ValueKind == JsonValueKind.Null ? null : error.GetProperty("param").GetString());
        if (code is not null) Assert.Equal(code, error.GetProperty("code").GetString());
        else Assert.True(error.TryGetProperty("code", out _));
    }

    private async Task AssertStillServingAsync()
    {
        using var response = await server.Http.PostAsync(Chat, Sse.Json("""{"model":"demo","messages":[{"role":"user","content":"hello"}],"temperature":0,"max_tokens":3}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"abc\"", await response.Content.ReadAsStringAsync());
    }
}
