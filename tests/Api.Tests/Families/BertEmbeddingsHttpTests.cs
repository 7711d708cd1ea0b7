using System.ClientModel;
using System.Net;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Tests.Families;
using OpenAI;
using OpenAI.Embeddings;

namespace Llm.Api.Tests.Families;

/// <summary><c>POST /v1/embeddings</c> over real HTTP with the random-weight BERT (WordPiece, CLS pooling).</summary>
[Collection(BertServerCollection.Name)]
public sealed class BertEmbeddingsHttpTests(BertServerFixture server)
{
    private async Task<JsonElement> PostAsync(string path, string body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await server.Http.PostAsync(path, Sse.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return Sse.Parse(text);
    }

    private async Task<int[]> TokenizeAsync(string text, bool addSpecial)
    {
        var body = await PostAsync("/tokenize", $$"""{"model":"bert","content":{{JsonSerializer.Serialize(text)}},"add_special":{{(addSpecial ? "true" : "false")}},"parse_special":false}""");
        return body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
    }

    private static float[] Floats(JsonElement item) => item.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private static float[] Base64(JsonElement item) => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(item.GetProperty("embedding").GetString()!)).ToArray();

    [Fact]
    public async Task FloatAndBase64AgreeHaveUnitNormAndCountCLSAndSep()
    {
        const string text = "Hello, y'all! How are you?";
        var floats = await PostAsync("/v1/embeddings", $$"""{"model":"bert","input":{{JsonSerializer.Serialize(text)}},"encoding_format":"float"}""");
        var base64 = await PostAsync("/v1/embeddings", $$"""{"model":"bert","input":{{JsonSerializer.Serialize(text)}},"encoding_format":"base64"}""");
        var a = Floats(floats.GetProperty("data")[0]);
        var b = Base64(base64.GetProperty("data")[0]);
        Assert.Equal(32, a.Length);
        Assert.Equal(a, b);
        Assert.Equal(1f, TensorPrimitives.Norm(a), 4);

        var pieces = await TokenizeAsync(text, addSpecial: false);
        int[] expected = [BertModel.ClsToken, .. pieces, BertModel.SepToken];
        Assert.Equal(expected, await TokenizeAsync(text, addSpecial: true));
        Assert.Equal(pieces.Length + 2, floats.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(pieces.Length + 2, base64.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        // The OpenAI SDK asks for base64 and decodes it itself.
        var client = new EmbeddingClient("bert", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 });
        OpenAIEmbedding sdk = await client.GenerateEmbeddingAsync(text);
        Assert.Equal(a, sdk.ToFloats().ToArray());
    }

    [Fact]
    public async Task ABatchGivesEachTextItsOwnVectorAndSumsTheTokens()
    {
        string[] texts = ["hello world", "the quick brown fox jumps over the lazy dog", "Führer"];
        var batch = await PostAsync("/v1/embeddings", $$"""{"model":"bert","input":{{JsonSerializer.Serialize(texts)}},"encoding_format":"float"}""");
        var data = batch.GetProperty("data");
        Assert.Equal(texts.Length, data.GetArrayLength());
        var expectedTokens = 0;
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(i, data[i].GetProperty("index").GetInt32());
            var alone = await PostAsync("/v1/embeddings", $$"""{"model":"bert","input":{{JsonSerializer.Serialize(texts[i])}},"encoding_format":"float"}""");
            var vector = Floats(data[i]);
            var single = Floats(alone.GetProperty("data")[0]);
            for (var d = 0; d < vector.Length; d++) Assert.True(Math.Abs(vector[d] - single[d]) < 1e-4f, $"input {i}, component {d}: {vector[d]} in the batch, {single[d]} alone");
            expectedTokens += (await TokenizeAsync(texts[i], addSpecial: true)).Length;
        }
        Assert.True(TensorPrimitives.Distance(Floats(data[0]), Floats(data[1])) > 0.01f, "different texts gave the same vector");
        Assert.Equal(expectedTokens, batch.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task TokenArraysEmbedAsTheirText()
    {
        var tokens = await TokenizeAsync("Hello world", addSpecial: true);
        var list = string.Join(',', tokens);
        var text = Floats((await PostAsync("/v1/embeddings", """{"model":"bert","input":"Hello world","encoding_format":"float"}""")).GetProperty("data")[0]);

        var flat = await PostAsync("/v1/embeddings", $$"""{"model":"bert","input":[{{list}}],"encoding_format":"float"}""");
        Assert.Equal(text, Floats(flat.GetProperty("data")[0]));
        Assert.Equal(tokens.Length, flat.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        var nested = await PostAsync("/v1/embeddings", $$"""{"model":"bert","input":[[{{list}}],[{{BertModel.ClsToken}},{{BertModel.SepToken}}]],"encoding_format":"float"}""");
        Assert.Equal(text, Floats(nested.GetProperty("data")[0]));
        Assert.NotEqual(text, Floats(nested.GetProperty("data")[1]));
        Assert.Equal(tokens.Length + 2, nested.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        var outside = await PostAsync("/v1/embeddings", """{"model":"bert","input":[[101,30522,102]]}""", HttpStatusCode.BadRequest);
        Assert.Equal("input", outside.GetProperty("error").GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"bert","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""")]
    [InlineData("/v1/chat/completions", """{"model":"bert","messages":[{"role":"user","content":"hi"}],"max_tokens":4,"stream":true}""")]
    [InlineData("/v1/completions", """{"model":"bert","prompt":"hi","max_tokens":4}""")]
    [InlineData("/apply-template", """{"model":"bert","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("/apply-template", """{"model":"bert","messages":[{"role":"user","content":"hi"}],"chat_template":"{{ messages[0].content }}"}""")]
    public async Task GeneratingWithTheEmbeddingOnlyModelIsAClear400(string path, string body)
    {
        var error = (await PostAsync(path, body, HttpStatusCode.BadRequest)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("embedding", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);

        // The server is still up and still embeds.
        var after = await PostAsync("/v1/embeddings", """{"model":"bert","input":"still here","encoding_format":"float"}""");
        Assert.Equal(32, Floats(after.GetProperty("data")[0]).Length);
    }
}
