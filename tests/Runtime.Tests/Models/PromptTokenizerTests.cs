using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Llm.Runtime.Models;

namespace Llm.Runtime.Tests.Models;

/// <summary>
/// The chunked tokenizer against one llama.cpp call, on every real vocabulary in ../shared/models (SentencePiece
/// with and without rstrip tokens, byte-level BPE, WordPiece): the same tokens, a byte bound that never overshoots,
/// linear time, and cancellation between chunks.
/// </summary>
public sealed class PromptTokenizerTests
{
    // Special-token texts of the usual families; in a vocabulary without them they are plain text, which must not be cut at.
    private static readonly string[] s_specials =
        ["<s>", "</s>", "<unk>", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|end|>", "<|user|>", "<|assistant|>", "[CLS]", "[SEP]", "[UNK]", "<｜begin▁of▁sentence｜>"];

    public static TheoryData<string> Vocabularies()
    {
        var data = new TheoryData<string>();
        foreach (var name in new[] { "llama-spm", "phi-3", "gpt-2", "deepseek-coder", "bert-bge" }) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void ChunkedTokensEqualOneCallAndTheByteBoundHolds(string vocabulary)
    {
        using var weights = Load(vocabulary);
        var cases = TestCases(vocabulary);
        var text = Interleave(cases, 3);
        var chunked = new PromptTokenizer(weights, chunkChars: 24);
        foreach (var parseSpecial in new[] { true, false })
        {
            foreach (var addSpecial in new[] { false, true })
            {
                var whole = Ids(weights.Tokenize(text, addSpecial, parseSpecial, Encoding.UTF8));
                Assert.Equal(whole, chunked.Tokenize(text, addSpecial, parseSpecial));
            }
        }
        Assert.True(chunked.CharactersTokenized >= 4 * text.Length, "every call was counted");

        // Runs of one special token followed by whitespace (eaten by rstrip tokens) or glued to text.
        foreach (var special in s_specials)
        {
            foreach (var run in new[] { string.Concat(Enumerable.Repeat(special + "  ", 40)), string.Concat(Enumerable.Repeat(special + " \n x", 40)), string.Concat(Enumerable.Repeat("x" + special, 40)) })
            {
                foreach (var parseSpecial in new[] { true, false })
                    Assert.Equal(Ids(weights.Tokenize(run, false, parseSpecial, Encoding.UTF8)), chunked.Tokenize(run, false, parseSpecial));
            }
        }

        // The bound is a lower bound for every case and for the whole, where the vocabulary gives one.
        var whole2 = weights.Tokenize(text, false, true, Encoding.UTF8).Length;
        Assert.InRange(chunked.MinimumTokens(text), vocabulary == "bert-bge" ? 0 : 1, whole2);
        foreach (var one in cases.Concat(s_specials).Append(new string(' ', 500)).Append(string.Concat(Enumerable.Repeat("<|end|>   ", 50))))
        {
            Assert.True(chunked.MinimumTokens(one) <= weights.Tokenize(one, false, true, Encoding.UTF8).Length, $"bound overshoots for {vocabulary}: '{one}'");
        }
        if (vocabulary == "bert-bge") Assert.Equal(0, chunked.MaxTokenBytes);
    }

    [Fact]
    public void TimeIsLinearInTheNumberOfSpecialTokens()
    {
        using var weights = Load("phi-3");
        var tokenizer = new PromptTokenizer(weights);
        // Whitespace after each special token, which phi-3's rstrip tokens eat: cuts must still be found.
        string Chat(int messages) => string.Concat(Enumerable.Repeat("<|user|>\nword<|end|>\n<|assistant|> word<|end|> ", messages / 2));
        var small = Chat(20_000);
        var large = Chat(80_000);
        tokenizer.Tokenize(Chat(2_000), false, true);
        var smallTime = Best(() => tokenizer.Tokenize(small, false, true));
        var largeTime = Best(() => tokenizer.Tokenize(large, false, true));
        // Four times the text: about four times the time when linear, sixteen when quadratic as one llama.cpp call is.
        Assert.True(largeTime < smallTime * 12, $"20k messages {smallTime.TotalMilliseconds:F0} ms, 80k {largeTime.TotalMilliseconds:F0} ms (linear: 4x, quadratic: 16x)");
        Assert.InRange(tokenizer.LongestCall, 1, 2 * PromptTokenizer.DefaultChunkChars);
        Assert.True(largeTime < TimeSpan.FromSeconds(10), $"80k messages took {largeTime.TotalSeconds:F1} s");
    }

    [Fact]
    public void CancellationStopsBetweenChunks()
    {
        using var weights = Load("llama-spm");
        var tokenizer = new PromptTokenizer(weights, chunkChars: 64);
        var text = string.Concat(Enumerable.Repeat("</s>word word", 200_000));
        using var cancel = new CancellationTokenSource();
        var work = Task.Run(() => tokenizer.Tokenize(text, false, true, cancel.Token));
        SpinWait.SpinUntil(() => tokenizer.CharactersTokenized > 0 || work.IsCompleted, TimeSpan.FromSeconds(30));
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => work.GetAwaiter().GetResult());
        var atCancel = tokenizer.CharactersTokenized;
        Assert.True(atCancel < text.Length, $"tokenized {atCancel} of {text.Length} characters after cancelling");
        Thread.Sleep(200);
        Assert.Equal(atCancel, tokenizer.CharactersTokenized);
    }

    private static TimeSpan Best(Action action)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed < best) best = elapsed;
        }
        return best;
    }

    private static string Interleave(IReadOnlyList<string> cases, int rounds)
    {
        var text = new StringBuilder();
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < cases.Count; i++)
            {
                text.Append(cases[i]);
                var special = s_specials[(i + r) % s_specials.Length];
                text.Append(special);
                // Whitespace after a special token (eaten by rstrip tokens) and adjacent special tokens.
                if (i % 3 == 0) text.Append("  ");
                if (i % 5 == 0) text.Append(s_specials[(i + 1) % s_specials.Length]);
            }
        }
        return text.ToString();
    }

    private static List<string> TestCases(string vocabulary)
    {
        var path = Path.Combine(SharedFolder, "tokenizer-tests", vocabulary + ".inp");
        Assert.True(File.Exists(path), $"Missing {path}: clone the repository next to the project's shared/ folder.");
        return [.. File.ReadAllText(path).Split("\n__ggml_vocab_test__\n").Where(c => c.Length > 0)];
    }

    private static LLamaWeights Load(string vocabulary)
    {
        var path = Path.Combine(SharedFolder, "models", $"ggml-vocab-{vocabulary}.gguf");
        Assert.True(File.Exists(path), $"Missing {path}: clone the repository next to the project's shared/ folder.");
        return LLamaWeights.LoadFromFile(new ModelParams(path) { VocabOnly = true });
    }

    private static int[] Ids(LLamaToken[] tokens) => [.. tokens.Select(t => (int)t)];

    private static string SharedFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "models"))) return candidate;
            }
            return Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared"));
        }
    }
}
