using System.Net.Http.Json;
using System.Text.Json;
using Llm.Tests.Families;

namespace Llm.Api.Tests.Families;

/// <summary>
/// llama.cpp's tokenizer vectors (../shared/tokenizer-tests: the ids Hugging Face <c>tokenizers</c> gives, no BOS,
/// special text not parsed) over HTTP: <c>POST /tokenize</c> gives exactly those ids for every input, with each
/// vocabulary carried by a runnable family model, and <c>POST /detokenize</c> of them gives the input back.
/// </summary>
[Collection(FamilyServerCollection.Name)]
public sealed class FamilyTokenizerVectorTests(FamilyServerFixture server)
{
    public static TheoryData<string, string> Vectors => new()
    {
        { "llama-spm", "llama-spm" },
        { "phi-3", "phi3" },
        { "gpt-2", "gpt-2" },
        { "deepseek-coder", "deepseek-coder" },
        { "llama-bpe", "llama3_1" },
        { "qwen2", "qwen3" },
        { "deepseek-r1-qwen", "qwen3" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Tokenize_gives_the_reference_ids_and_detokenize_the_input(string vectors, string model)
    {
        Assert.Contains(vectors, server.Model(model).TokenizerTests);
        var (inputs, expected) = TokenizerVectors.Read(vectors);
        Assert.True(inputs.Count > 20, $"{vectors}: only {inputs.Count} inputs");
        var wrong = new List<string>();
        var notRoundTripped = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            using var tokenize = await server.Http.PostAsJsonAsync("/tokenize", new { model, content = inputs[i], add_special = false, parse_special = false });
            var body = await Json(tokenize);
            var ids = body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
            if (!ids.SequenceEqual(expected[i]))
                wrong.Add($"#{i} {JsonSerializer.Serialize(inputs[i])}: expected [{string.Join(' ', expected[i])}], got [{string.Join(' ', ids)}]");

            using var detokenize = await server.Http.PostAsJsonAsync("/detokenize", new { model, tokens = expected[i] });
            var text = (await Json(detokenize)).GetProperty("content").GetString();
            if (text != inputs[i])
                notRoundTripped.Add($"#{i} {JsonSerializer.Serialize(inputs[i])} -> {JsonSerializer.Serialize(text)}");
        }
        Assert.True(wrong.Count == 0, $"{vectors} on {model}: {wrong.Count} of {inputs.Count} inputs differ:\n" + string.Join('\n', wrong));
        Assert.True(notRoundTripped.Count == 0, $"{vectors} on {model}: {notRoundTripped.Count} of {inputs.Count} do not round-trip:\n" + string.Join('\n', notRoundTripped));
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
