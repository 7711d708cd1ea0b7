using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Llm.Api.Tests.Families;

/// <summary>
/// <c>POST /tokenize</c> (with pieces) and <c>POST /detokenize</c> render control tokens as their text, as
/// llama-server does, so a client sees <c>&lt;|im_start|&gt;</c> rather than nothing; <c>pieces</c> is left out unless
/// asked for.
/// </summary>
[Collection(FamilyServerCollection.Name)]
public sealed class TokenizeControlTextTests(FamilyServerFixture server)
{
    [Fact]
    public async Task Detokenize_renders_a_control_token_as_its_text()
    {
        var imStart = await server.SingleTokenAsync("qwen3", "<|im_start|>");
        var x = await server.SingleTokenAsync("qwen3", "x");
        using var response = await server.Http.PostAsJsonAsync("/detokenize", new { model = "qwen3", tokens = new[] { imStart, x } });
        var body = await Json(response);
        Assert.Equal("<|im_start|>x", body.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Tokenize_pieces_give_a_control_token_its_text_and_bytes()
    {
        using var response = await server.Http.PostAsJsonAsync("/tokenize", new { model = "qwen3", content = "<|im_start|>x", parse_special = true, with_pieces = true });
        var pieces = (await Json(response)).GetProperty("pieces");
        Assert.Equal(2, pieces.GetArrayLength());
        Assert.Equal("<|im_start|>", pieces[0].GetProperty("piece").GetString());
        var bytes = pieces[0].GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray();
        Assert.Equal("<|im_start|>", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal("x", pieces[1].GetProperty("piece").GetString());
    }

    [Fact]
    public async Task Tokenize_leaves_pieces_out_unless_asked()
    {
        using var response = await server.Http.PostAsJsonAsync("/tokenize", new { model = "qwen3", content = "x" });
        var body = await Json(response);
        Assert.True(body.TryGetProperty("tokens", out _));
        Assert.False(body.TryGetProperty("pieces", out _), body.GetRawText());
    }

    [Fact]
    public async Task Detokenize_names_the_token_outside_the_vocabulary()
    {
        using var response = await server.Http.PostAsJsonAsync("/detokenize", new { model = "qwen3", tokens = new[] { 87, int.MaxValue } });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal("tokens[1]", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
