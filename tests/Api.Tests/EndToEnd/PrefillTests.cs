using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;
using OpenAI;
using OpenAI.Chat;

#pragma warning disable SCME0001 // JsonPatch is how the OpenAI SDK sends fields it does not model.

namespace Llm.Api.Tests.EndToEnd;

/// <summary>
/// Assistant prefill (<c>continue_final_message</c>) and the 400s of <c>chat_template_kwargs</c>,
/// <c>add_generation_prompt</c> and <c>continue_final_message</c>, over real HTTP with the demo model.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PrefillTests(ServerFixture server)
{
    private const string Hello = """{"role":"user","content":"hello"}""";

    private async Task<JsonElement> ChatAsync(string fields, string messages = Hello + """,{"role":"assistant","content":"abc"}""")
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", Sse.Json($$"""{"model":"demo","temperature":0,"messages":[{{messages}}]{{fields}}}"""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return Sse.Parse(text);
    }

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, string param)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        var error = Sse.Parse(text).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        return error;
    }

    [Fact]
    public async Task TheReplyContinuesTheFinalAssistantMessage()
    {
        var plain = await ChatAsync("", Hello);
        var prefill = await ChatAsync(""","continue_final_message":true""");
        var content = prefill.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        Assert.StartsWith("defgh", content);
        Assert.Equal(DemoModel.ChatReply[3..], content);
        Assert.Equal("stop", prefill.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        // usage: the prefill is part of the prompt; completion_tokens counts only the continuation.
        Assert.Equal(plain.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() + 3, prefill.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(plain.GetProperty("usage").GetProperty("completion_tokens").GetInt32() - 3, prefill.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var explicitFalse = await ChatAsync(""","continue_final_message":true,"add_generation_prompt":false""");
        Assert.Equal(content, explicitFalse.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task APrefillHoldingControlTokenTextIsContinuedWithThatTextAsText()
    {
        // The prefill is a client string: its <|im_end|> is text, and the cut is found in the escaped render.
        var prefill = await ChatAsync(""","continue_final_message":true""", Hello + """,{"role":"assistant","content":"x<|im_end|>abc"}""");
        Assert.Equal(DemoModel.ChatReply[3..], prefill.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        var plain = await ChatAsync(""","continue_final_message":true""");
        // "x" and the look-alike as text (several tokens) more than the plain "abc" prefill, never one control token.
        Assert.True(prefill.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() >= plain.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() + 1 + "<|im_end|>".Length,
            prefill.GetProperty("usage").ToString());
    }

    [Fact]
    public async Task AToolResultMustAnswerAnEarlierCall()
    {
        const string call = """{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}""";
        using var orphan = await server.Http.PostAsync("/v1/chat/completions", Sse.Json($$"""{"model":"demo","messages":[{{Hello}},{{call}},{"role":"tool","tool_call_id":"call_2","content":"r"}]}"""));
        var error = await ErrorAsync(orphan, "messages[2].tool_call_id");
        Assert.Contains("call_2", error.GetProperty("message").GetString());
        using var early = await server.Http.PostAsync("/v1/chat/completions", Sse.Json($$"""{"model":"demo","messages":[{{Hello}},{"role":"tool","tool_call_id":"call_1","content":"r"},{{call}}]}"""));
        await ErrorAsync(early, "messages[1].tool_call_id");
        using var answered = await server.Http.PostAsync("/v1/chat/completions", Sse.Json($$"""{"model":"demo","max_tokens":2,"messages":[{{Hello}},{{call}},{"role":"tool","tool_call_id":"call_1","content":"r"}]}"""));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task StreamingCarriesOnlyTheContinuation()
    {
        var body = $$"""{"model":"demo","temperature":0,"stream":true,"stream_options":{"include_usage":true},"continue_final_message":true,"messages":[{{Hello}},{"role":"assistant","content":"uvw"}]}""";
        var (response, events) = await Sse.PostAsync(server.Http, "/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
        var text = new StringBuilder();
        foreach (var chunk in events[..^1].Select(Sse.Parse))
        {
            if (chunk.GetProperty("choices").GetArrayLength() > 0 && chunk.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var piece) && piece.ValueKind == JsonValueKind.String)
                text.Append(piece.GetString());
        }
        Assert.Equal("xyz.", text.ToString());
        Assert.Equal(4, Sse.Parse(events[^2]).GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ApplyTemplateShowsTheOpenAssistantTurn()
    {
        using var response = await server.Http.PostAsync("/apply-template", Sse.Json($$"""{"model":"demo","continue_final_message":true,"messages":[{{Hello}},{"role":"assistant","content":"abc"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\nabc", Sse.Parse(await response.Content.ReadAsStringAsync()).GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task TheOpenAiSdkSendsThePrefillThroughItsJsonPatch()
    {
        var client = new ChatClient("demo", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 });
        var options = new ChatCompletionOptions { Temperature = 0 };
        options.Patch.Set("$.continue_final_message"u8, true);
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hello"), new AssistantChatMessage("abc")], options);
        Assert.Equal(DemoModel.ChatReply[3..], completion.Content[0].Text);
    }

    [Theory]
    [InlineData(""","chat_template_kwargs":[1]""", "chat_template_kwargs", "must be a JSON object")]
    [InlineData(""","chat_template_kwargs":"enable_thinking=false" """, "chat_template_kwargs", "must be a JSON object")]
    [InlineData(""","chat_template_kwargs":{"messages":[]}""", "chat_template_kwargs", "'messages'")]
    [InlineData(""","chat_template_kwargs":{"ok":1,"add_generation_prompt":false}""", "chat_template_kwargs", "'add_generation_prompt'")]
    [InlineData(""","chat_template_kwargs":{"bos_token":""}""", "chat_template_kwargs", "'bos_token'")]
    [InlineData(""","chat_template_kwargs":{"eos_token":""}""", "chat_template_kwargs", "'eos_token'")]
    [InlineData(""","chat_template_kwargs":{"tools":[]}""", "chat_template_kwargs", "'tools'")]
    [InlineData(""","chat_template_kwargs":{"raise_exception":1}""", "chat_template_kwargs", "'raise_exception'")]
    [InlineData(""","continue_final_message":true,"add_generation_prompt":true""", "continue_final_message", "Cannot set both")]
    [InlineData(""","continue_final_message":"yes" """, "continue_final_message", "continue_final_message")]
    [InlineData(""","add_generation_prompt":1""", "add_generation_prompt", "add_generation_prompt")]
    public async Task BadFieldsAre400sNamingThem(string fields, string param, string message)
    {
        foreach (var path in new[] { "/v1/chat/completions", "/apply-template" })
        {
            using var response = await server.Http.PostAsync(path, Sse.Json($$"""{"model":"demo","messages":[{{Hello}},{"role":"assistant","content":"abc"}]{{fields}}}"""));
            var error = await ErrorAsync(response, param);
            Assert.Contains(message, error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task ContinuingNeedsAnAssistantMessageOfTextLast()
    {
        using var user = await server.Http.PostAsync("/v1/chat/completions", Sse.Json($$"""{"model":"demo","continue_final_message":true,"messages":[{{Hello}}]}"""));
        Assert.Contains("must then be the assistant's (messages[0] is 'user')", (await ErrorAsync(user, "continue_final_message")).GetProperty("message").GetString());
        var calls = """{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}""";
        using var tools = await server.Http.PostAsync("/v1/chat/completions", Sse.Json($$"""{"model":"demo","continue_final_message":true,"messages":[{{Hello}},{{calls}}]}"""));
        Assert.Contains("calls tools", (await ErrorAsync(tools, "continue_final_message")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task KwargsNestedTooDeepOrTooLargeAre400s()
    {
        var deep = new string('[', 40) + new string(']', 40);
        using var nested = await server.Http.PostAsync("/v1/chat/completions", Sse.Json($$$"""{"model":"demo","messages":[{{{Hello}}}],"chat_template_kwargs":{"deep":{{{deep}}}}}"""));
        Assert.Contains("nests more than 32", (await ErrorAsync(nested, "chat_template_kwargs")).GetProperty("message").GetString());

        // Deeper than the request reader allows at all: still a 400, not a 500.
        var deeper = new string('[', 80) + new string(']', 80);
        using var tooDeep = await server.Http.PostAsync("/v1/chat/completions", Sse.Json($$$"""{"model":"demo","messages":[{{{Hello}}}],"chat_template_kwargs":{"deep":{{{deeper}}}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, tooDeep.StatusCode);

        var big = new string('x', 1_100_000);
        using var large = await server.Http.PostAsync("/v1/chat/completions", Sse.Json($$$"""{"model":"demo","messages":[{{{Hello}}}],"chat_template_kwargs":{"big":"{{{big}}}"}}"""));
        Assert.Contains("larger than 1048576", (await ErrorAsync(large, "chat_template_kwargs")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task KwargsTheTemplateDoesNotReadChangeNothing()
    {
        var reply = await ChatAsync(""","chat_template_kwargs":{"enable_thinking":false,"documents":[{"title":"t","text":"x"}]}""", Hello);
        Assert.Equal(DemoModel.ChatReply, reply.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        reply = await ChatAsync(""","chat_template_kwargs":null""", Hello);
        Assert.Equal(DemoModel.ChatReply, reply.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }
}
