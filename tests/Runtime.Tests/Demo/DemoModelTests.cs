using System.Diagnostics;
using Llm.Runtime.Gguf;
using Llm.Runtime.Models.Demo;
using Xunit.Abstractions;

namespace Llm.Runtime.Tests.Demo;

/// <summary>The demo model's definition and file, without llama.cpp.</summary>
public sealed class DemoModelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData('a', 'b')]
    [InlineData('y', 'z')]
    [InlineData('z', '.')]
    [InlineData('A', 'B')]
    [InlineData('Y', 'Z')]
    [InlineData('Z', '.')]
    [InlineData('0', '1')]
    [InlineData('8', '9')]
    [InlineData('9', '0')]
    [InlineData(' ', 'a')]
    [InlineData('!', 'a')]
    [InlineData('~', 'a')]
    [InlineData('\n', 'a')]
    public void NextTokenFollowsTheTable(char current, char next) =>
        Assert.Equal(DemoModel.TokenOf(next), DemoModel.NextToken(DemoModel.TokenOf(current)));

    [Fact]
    public void PeriodEndsTheTurnAndSpecialTokensRestartAtA()
    {
        Assert.Equal(DemoModel.EndOfTurnToken, DemoModel.NextToken(DemoModel.TokenOf('.')));
        int[] specials = [0, 1, 2, 3, 258, DemoModel.StartOfTurnToken, DemoModel.EndOfTurnToken];
        Assert.All(specials, t => Assert.Equal(DemoModel.TokenOf('a'), DemoModel.NextToken(t)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoModel.NextToken(DemoModel.VocabularySize));
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoModel.NextToken(-1));
    }

    [Fact]
    public void ProbabilitiesFormADistributionOverPrintableTokens()
    {
        for (var current = 0; current < DemoModel.VocabularySize; current++)
        {
            var sum = 0.0;
            for (var next = 0; next < DemoModel.VocabularySize; next++)
            {
                var p = DemoModel.Probability(current, next);
                if (next != DemoModel.NextToken(current) && !DemoModel.IsPrintable(next))
                    Assert.Equal(0, p);
                sum += p;
            }
            Assert.Equal(1.0, sum, 1e-12);
        }
        var letter = DemoModel.TokenOf('h');
        Assert.Equal(0.9, DemoModel.Probability(letter, DemoModel.TokenOf('i')));
        Assert.Equal(0.1 / 94, DemoModel.Probability(letter, DemoModel.TokenOf('x')), 1e-15);
        Assert.Equal(0.1 / 95, DemoModel.Probability(DemoModel.TokenOf('.'), DemoModel.TokenOf('x')), 1e-15);
        Assert.Equal(0, DemoModel.Probability(letter, DemoModel.TokenOf('\n')));
    }

    [Fact]
    public void TokensAndPiecesFollowTheFixedLayout()
    {
        Assert.Equal("<unk>", DemoModel.PieceOf(0));
        Assert.Equal("<s>", DemoModel.PieceOf(1));
        Assert.Equal("</s>", DemoModel.PieceOf(2));
        Assert.Equal("<0x00>", DemoModel.PieceOf(3));
        Assert.Equal("<0x0A>", DemoModel.PieceOf(DemoModel.TokenOf('\n')));
        Assert.Equal("<0xFF>", DemoModel.PieceOf(258));
        Assert.Equal("\u2581", DemoModel.PieceOf(259));
        Assert.Equal("!", DemoModel.PieceOf(260));
        Assert.Equal("~", DemoModel.PieceOf(353));
        Assert.Equal("<|im_start|>", DemoModel.PieceOf(354));
        Assert.Equal("<|im_end|>", DemoModel.PieceOf(355));
        for (var c = '!'; c <= '~'; c++)
            Assert.Equal(c.ToString(), DemoModel.PieceOf(DemoModel.TokenOf(c)));
        Assert.Equal(DemoModel.SpaceToken, DemoModel.TokenOf(' '));
        Assert.Equal(13, DemoModel.TokenOf('\n'));
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoModel.TokenOf('é'));
    }

    [Fact]
    public void GreedyContinuationCountsTheEndOfTurnToken()
    {
        Assert.Equal((DemoModel.ChatReply, true), DemoModel.GreedyContinuation('\n', 100));
        Assert.Equal((DemoModel.ChatReply, true), DemoModel.GreedyContinuation('\n', 28));
        Assert.Equal((DemoModel.ChatReply, false), DemoModel.GreedyContinuation('\n', 27));
        Assert.Equal(("pqrstuvwxyz.", true), DemoModel.GreedyContinuation('o', 100));
        Assert.Equal(("XYZ.", true), DemoModel.GreedyContinuation('W', 100));
        Assert.Equal(("", true), DemoModel.GreedyContinuation('.', 1));
        Assert.Equal(("abc", false), DemoModel.GreedyContinuation(' ', 3));
        Assert.Equal(("", false), DemoModel.GreedyContinuation('a', 0));
    }

    [Fact]
    public void BuildIsFastSmallAndDeterministic()
    {
        using var first = new MemoryStream();
        DemoModel.Write(first);
        // Timed after a first build so JIT time on a loaded test machine does not count.
        using var second = new MemoryStream();
        var watch = Stopwatch.StartNew();
        DemoModel.Write(second);
        watch.Stop();
        output.WriteLine($"{second.Length} bytes in {watch.Elapsed.TotalMilliseconds:F1} ms");

        Assert.True(watch.ElapsedMilliseconds < 1000, $"build took {watch.ElapsedMilliseconds} ms");
        Assert.InRange(first.Length, 1_000_000, 8_000_000);
        Assert.Equal(first.ToArray(), second.ToArray());

        first.Position = 0;
        var file = GgufReader.Read(first);
        Assert.Equal("llama", file.Architecture);
        Assert.Equal(DemoModel.ChatTemplate, file.GetString("tokenizer.chat_template"));
        Assert.Equal(DemoVocabulary.Pieces(), file.Metadata["tokenizer.ggml.tokens"].GetArray<string>());
        Assert.Equal(GgufTensorType.F32, file.Tensors.Single(t => t.Name == "output.weight").Type);
        Assert.Equal(GgufTensorType.F16, file.Tensors.Single(t => t.Name == "token_embd.weight").Type);
    }

    [Fact]
    public void EnsureBuiltBuildsOnceAndSurvivesRaces()
    {
        var folder = Path.Combine(Path.GetTempPath(), "llm-demo-race-" + Guid.NewGuid().ToString("N"));
        try
        {
            var paths = new string[8];
            Parallel.For(0, paths.Length, i => paths[i] = DemoModel.EnsureBuilt(folder));
            var path = Path.Combine(folder, DemoModel.FileName);
            Assert.All(paths, p => Assert.Equal(path, p));
            Assert.Equal([DemoModel.FileName], Directory.GetFiles(folder).Select(Path.GetFileName));
            var written = File.GetLastWriteTimeUtc(path);
            var length = new FileInfo(path).Length;

            Assert.Equal(path, DemoModel.EnsureBuilt(folder));
            Assert.Equal(written, File.GetLastWriteTimeUtc(path));
            using var expected = new MemoryStream();
            DemoModel.Write(expected);
            Assert.Equal(expected.Length, length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
