using System.ClientModel;
using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace Llm.Api.Tests.EndToEnd;

/// <summary>The demo model's mean-pooled embeddings are histograms of the input's tokens, so vectors are known exactly.</summary>
[Collection(ServerCollection.Name)]
public sealed class EmbeddingsTests(ServerFixture server)
{
    private async Task<float[]> ExpectedAsync(string text)
    {
        using var response = await server.Http.PostAsync("/tokenize", Sse.Json($$"""{"model":"demo","content":{{JsonSerializer.Serialize(text)}},"add_special":true,"parse_special":false}"""));
        var tokens = Sse.Parse(await response.Content.ReadAsStringAsync()).GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToList();
        var vector = new float[512];
        foreach (var token in tokens) vector[token]++;
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return vector.Select(v => v / norm).ToArray();
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-3, $"component {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public async Task OpenAiSdkGetsTheHistogramVectorThroughBase64()
    {
        var client = new EmbeddingClient("demo", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 });
        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("hello world");
        AssertClose(await ExpectedAsync("hello world"), embedding.ToFloats().Span);
    }

    [Fact]
    public async Task ExtensionsAiGeneratorEmbedsABatch()
    {
        using IEmbeddingGenerator<string, Embedding<float>> generator = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 })
            .GetEmbeddingClient("demo").AsIEmbeddingGenerator();
        var embeddings = await generator.GenerateAsync(["abc", "cab", "zzz"]);
        Assert.Equal(3, embeddings.Count);
        AssertClose(embeddings[0].Vector.ToArray(), embeddings[1].Vector.Span);
        AssertClose(await ExpectedAsync("zzz"), embeddings[2].Vector.Span);
    }

    [Fact]
    public async Task FloatFormatTokenInputsDimensionsAndUsage()
    {
        var a = DemoModel.TokenOf('a');
        using var response = await server.Http.PostAsync("/v1/embeddings", Sse.Json($$"""{"model":"demo","input":[[{{a}},{{a}}],[{{a}}]],"encoding_format":"float"}"""));
        var body = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        var data = body.GetProperty("data");
        Assert.Equal("embedding", data[1].GetProperty("object").GetString());
        Assert.Equal(1, data[1].GetProperty("index").GetInt32());
        var vector = data[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(1f, vector[a], 3);

        using var shortened = await server.Http.PostAsync("/v1/embeddings", Sse.Json("""{"model":"demo","input":"the quick brown fox","dimensions":300,"encoding_format":"float"}"""));
        var values = Sse.Parse(await shortened.Content.ReadAsStringAsync()).GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(300, values.Length);
        Assert.Equal(1f, MathF.Sqrt(values.Sum(v => v * v)), 3);
    }

    [Theory]
    [InlineData("""{"model":"demo"}""", "input")]
    [InlineData("""{"model":"demo","input":[]}""", "input")]
    [InlineData("""{"model":"demo","input":"x","encoding_format":"hex"}""", "encoding_format")]
    [InlineData("""{"model":"demo","input":"x","dimensions":0}""", "dimensions")]
    [InlineData("""{"model":"demo","input":"x","dimensions":100000}""", "dimensions")]
    [InlineData("""{"model":"demo","input":[[999999]]}""", "input")]
    [InlineData("""{"model":"demo","input":[""]}""", "input")]
    public async Task BadEmbeddingRequestsAre400s(string body, string param)
    {
        using var response = await server.Http.PostAsync("/v1/embeddings", Sse.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, Sse.Parse(await response.Content.ReadAsStringAsync()).GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task TokenizeWithPiecesAndDetokenizeRoundTrip()
    {
        using var response = await server.Http.PostAsync("/tokenize", Sse.Json("""{"model":"demo","content":"hi\n","with_pieces":true}"""));
        var body = Sse.Parse(await response.Content.ReadAsStringAsync());
        var tokens = body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        Assert.Equal([DemoModel.SpaceToken, DemoModel.TokenOf('h'), DemoModel.TokenOf('i'), DemoModel.FirstByteToken + '\n'], tokens);
        var pieces = body.GetProperty("pieces");
        Assert.Equal(" ", pieces[0].GetProperty("piece").GetString());
        Assert.Equal([10], pieces[3].GetProperty("bytes").EnumerateArray().Select(b => b.GetInt32()).ToArray());

        using var back = await server.Http.PostAsync("/detokenize", Sse.Json($$"""{"model":"demo","tokens":[{{string.Join(',', tokens)}}]}"""));
        // The space SentencePiece prefixed is taken off again, as llama_detokenize does: the text round-trips.
        Assert.Equal("hi\n", Sse.Parse(await back.Content.ReadAsStringAsync()).GetProperty("content").GetString());

        using var bad = await server.Http.PostAsync("/detokenize", Sse.Json("""{"model":"demo","tokens":[-1]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
