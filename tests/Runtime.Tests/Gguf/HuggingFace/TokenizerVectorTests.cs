using System.Text;
using LLama;

namespace Llm.Runtime.Tests.Gguf.HuggingFace;

/// <summary>
/// llama.cpp's tokenizer vectors (../shared/tokenizer-tests, the ids Hugging Face <c>tokenizers</c> gives) against the
/// vocabularies converted here: every input tokenizes to exactly the expected ids (no BOS, special text not parsed),
/// and the ids render back to the input.
/// </summary>
public sealed class TokenizerVectorTests(FamilyVocabularies families) : IClassFixture<FamilyVocabularies>
{
    [Theory]
    [InlineData("llama-bpe", "llama3_1")]
    [InlineData("qwen2", "qwen3")]
    [InlineData("deepseek-r1-qwen", "qwen3")]
    public void EveryInputGivesTheReferenceIdsAndRoundTrips(string vectors, string family)
    {
        var weights = families.Weights(family);
        var (inputs, expected) = Vectors(vectors);
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

    /// <summary>The inputs (each followed by the separator line) and their expected ids, one line per input.</summary>
    private static (List<string> Inputs, List<int[]> Ids) Vectors(string name)
    {
        var folder = TokenizerTestsFolder;
        var inputs = File.ReadAllText(Path.Combine(folder, name + ".inp")).Split("\n__ggml_vocab_test__\n").ToList();
        // The file ends with a separator, so the last split part is empty and not an input.
        Assert.Equal("", inputs[^1]);
        inputs.RemoveAt(inputs.Count - 1);
        var lines = File.ReadAllLines(Path.Combine(folder, name + ".out"));
        Assert.Equal(inputs.Count, lines.Length);
        var ids = lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()).ToList();
        return (inputs, ids);
    }

    private static string TokenizerTestsFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "tokenizer-tests");
                if (Directory.Exists(candidate)) return candidate;
            }
            throw new InvalidOperationException("shared/tokenizer-tests not found above " + AppContext.BaseDirectory);
        }
    }
}
