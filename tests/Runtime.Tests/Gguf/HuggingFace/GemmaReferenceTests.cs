using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using LLama;
using Llm.Tests.Families;

namespace Llm.Runtime.Tests.Gguf.HuggingFace;

/// <summary>
/// Gemma 3 has no llama.cpp tokenizer vectors: the reference ids come from the JavaScript port of Hugging Face's
/// tokenizer that the npm package ships (tests/vocabularies/hf-reference-ids.mjs, cached), for llama.cpp's inputs
/// plus Gemma-specific ones; the converted SentencePiece-style vocabulary must give the same ids and render them back.
/// </summary>
[Collection(FamilyVocabularies.Collection)]
public sealed class GemmaReferenceTests(FamilyVocabularies families)
{
    [Theory]
    [InlineData("llama-bpe.inp")]
    [InlineData("gemma3-cases.inp")]
    public void EveryInputGivesTheHuggingFaceIdsAndRoundTrips(string inputs)
    {
        var weights = families.Weights("gemma3");
        var path = InputPath(inputs);
        var texts = TokenizerVectors.Inputs(path);
        var expected = ReferenceIds(path);
        Assert.Equal(texts.Count, expected.Count);
        Assert.True(texts.Count > 10);
        var wrong = new List<string>();
        var notRoundTripped = new List<string>();
        for (var i = 0; i < texts.Count; i++)
        {
            var ids = weights.Tokenize(texts[i], false, false, Encoding.UTF8).Select(t => (int)t).ToArray();
            if (!ids.SequenceEqual(expected[i]))
                wrong.Add($"#{i} '{texts[i]}': expected [{string.Join(' ', expected[i])}], got [{string.Join(' ', ids)}]");
            // SentencePiece writes a space as '▁', so a literal '▁' comes back as a space (Hugging Face's decoder does the same).
            var back = Detokenize(weights, expected[i]);
            if (back != texts[i].Replace('\u2581', ' '))
                notRoundTripped.Add($"#{i} '{texts[i]}' -> '{back}'");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {texts.Count} inputs differ:\n" + string.Join('\n', wrong));
        Assert.True(notRoundTripped.Count == 0, $"{notRoundTripped.Count} of {texts.Count} inputs do not round-trip:\n" + string.Join('\n', notRoundTripped));
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

    /// <summary>The JavaScript tokenizer's ids for each input, computed once per input file content and cached.</summary>
    private static List<int[]> ReferenceIds(string inputs)
    {
        var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(inputs)))[..16].ToLowerInvariant();
        var folder = Path.Combine(HuggingFaceTokenizers.CacheRoot, "hf-reference");
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, $"gemma3-{hash}.out");
        if (!File.Exists(output))
        {
            var start = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { ScriptPath, "gemma3", inputs, output, HuggingFaceTokenizers.CacheRoot })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "hf-reference-ids.mjs finished");
            Assert.True(process.ExitCode == 0, $"hf-reference-ids.mjs failed (node and npm must reach the registry): {stderr.Result}");
        }
        return [.. File.ReadAllLines(output).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray())];
    }

    private static string ScriptPath => Path.Combine(RepositoryFile("tests/vocabularies/hf-reference-ids.mjs"));

    private static string InputPath(string name) => name.StartsWith("gemma3", StringComparison.Ordinal)
        ? RepositoryFile("tests/vocabularies/" + name)
        : RepositoryFile("../shared/tokenizer-tests/" + name);

    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.GetFullPath(Path.Combine(dir.FullName, relative));
            if (File.Exists(candidate) && Directory.Exists(Path.Combine(dir.FullName, "tests", "vocabularies"))) return candidate;
        }
        throw new InvalidOperationException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
