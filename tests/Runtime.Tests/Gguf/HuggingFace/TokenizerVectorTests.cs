using Llm.Tests.Families;
using System.Text;
using LLama;

namespace Llm.Runtime.Tests.Gguf.HuggingFace;

/// <summary>
/// llama.cpp's tokenizer vectors (../shared/tokenizer-tests, the ids Hugging Face <c>tokenizers</c> gives) against the
/// vocabularies converted here: every input tokenizes to exactly the expected ids (no BOS, special text not parsed),
/// and the ids render back to the input.
/// </summary>
[Collection(FamilyVocabularies.Collection)]
public sealed class TokenizerVectorTests(FamilyVocabularies families)
{
    [Theory]
    [InlineData("llama-bpe", "llama3_1")]
    [InlineData("qwen2", "qwen3")]
    [InlineData("deepseek-r1-qwen", "qwen3")]
    public void EveryInputGivesTheReferenceIdsAndRoundTrips(string vectors, string family)
    {
        var weights = families.Weights(family);
        var (inputs, expected) = TokenizerVectors.Read(vectors);
        Assert.True(inputs.Count > 20, $"{vectors}: {inputs.Count} inputs");
        var wrong = new List<string>();
        var notRoundTripped = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var ids = weights.Tokenize(inputs[i], false, false, Encoding.UTF8).Select(t => (int)t).ToArray();
            if (!ids.SequenceEqual(expected[i]))
                wrong.Add($"#{i} '{inputs[i]}': expected [{string.Join(' ', expected[i])}], got [{string.Join(' ', ids)}]");
            if (Detokenize(weights, expected[i]) != inputs[i])
                notRoundTripped.Add($"#{i} '{inputs[i]}' -> '{Detokenize(weights, expected[i])}'");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {inputs.Count} inputs differ:\n" + string.Join('\n', wrong));
        Assert.True(notRoundTripped.Count == 0, $"{notRoundTripped.Count} of {inputs.Count} inputs do not round-trip:\n" + string.Join('\n', notRoundTripped));
    }

    [Fact]
    public void AWrongPreTokenizerIsCaughtByTheVectors()
    {
        // Qwen2's regex splits numbers digit by digit where Llama 3's keeps groups of three: the check must see it.
        var weights = families.Variant("llama3_1", "llama3_1-as-qwen2", new() { Pre = "qwen2" });
        var (inputs, expected) = TokenizerVectors.Read("llama-bpe");
        var differing = Enumerable.Range(0, inputs.Count)
            .Count(i => !weights.Tokenize(inputs[i], false, false, Encoding.UTF8).Select(t => (int)t).SequenceEqual(expected[i]));
        Assert.InRange(differing, 1, inputs.Count);
    }

    private static string Detokenize(LLamaWeights weights, int[] ids)
    {
        var bytes = new List<byte>();
        Span<byte> piece = stackalloc byte[512];
        foreach (var id in ids)
        {
            var length = (int)weights.NativeHandle.TokenToSpan(id, piece, 0, false);
            bytes.AddRange(piece[..length]);
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
