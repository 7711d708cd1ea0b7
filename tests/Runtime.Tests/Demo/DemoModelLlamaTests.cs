using LLama;
using LLama.Native;
using Llm.Runtime.Models.Demo;
using Xunit.Abstractions;

namespace Llm.Runtime.Tests.Demo;

/// <summary>The demo model as real llama.cpp (through LLamaSharp, CPU) sees it.</summary>
public sealed class DemoModelLlamaTests(DemoModelFixture model, ITestOutputHelper output) : IClassFixture<DemoModelFixture>
{
    private const string ChatPrompt = "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n";

    [Fact]
    public void TokenizesTextAsSpaceThenCharactersAfterBos()
    {
        var tokens = Ids(model.Context.Tokenize("hello", addBos: true, special: true));
        output.WriteLine(string.Join("|", tokens.Select(DemoModel.PieceOf)));
        int[] expected = [DemoModel.BeginOfSequenceToken, DemoModel.SpaceToken, .. "hello".Select(DemoModel.TokenOf)];
        Assert.Equal(expected, tokens);

        // The SentencePiece space prefix is added to every text fragment, so a leading space doubles it.
        var spaced = Ids(model.Context.Tokenize(" hello", addBos: false, special: true));
        output.WriteLine(string.Join("|", spaced.Select(DemoModel.PieceOf)));
        Assert.Equal([DemoModel.SpaceToken, DemoModel.SpaceToken, .. "hello".Select(DemoModel.TokenOf)], spaced);
    }

    [Fact]
    public void TokenizesChatPromptWithSpecialTokensAndNewlineByte()
    {
        var tokens = Ids(model.Context.Tokenize(ChatPrompt, addBos: true, special: true));
        output.WriteLine(string.Join("|", tokens.Select(DemoModel.PieceOf)));
        Assert.Equal(DemoModel.BeginOfSequenceToken, tokens[0]);
        Assert.Equal(DemoModel.StartOfTurnToken, tokens[1]);
        Assert.Contains(DemoModel.EndOfTurnToken, tokens);
        Assert.Equal(DemoModel.TokenOf('\n'), tokens[^1]);
    }

    [Theory]
    [InlineData(ChatPrompt)]
    [InlineData("hello")]
    [InlineData("Say: W")]
    [InlineData("2 + 2 = ?")]
    [InlineData("x")]
    public void GreedyDecodingMatchesGreedyContinuation(string prompt)
    {
        var produced = model.Greedy(model.Context.Tokenize(prompt, addBos: true, special: true), 40);
        var (text, endedTurn) = DemoModel.GreedyContinuation(prompt[^1], 40);
        Assert.True(endedTurn);
        Assert.Equal(DemoModel.EndOfTurnToken, produced[^1]);
        Assert.Equal(text, string.Concat(produced.SkipLast(1).Select(DemoModel.PieceOf)));
        if (prompt == ChatPrompt)
            Assert.Equal(DemoModel.ChatReply, text);
    }

    [Fact]
    public void DigitsCycleWithoutEndingTheTurn()
    {
        var produced = model.Greedy(model.Context.Tokenize("count 7", addBos: true, special: true), 12);
        Assert.Equal("890123456789", string.Concat(produced.Select(DemoModel.PieceOf)));
        Assert.Equal(DemoModel.GreedyContinuation('7', 12), ("890123456789", false));
    }

    [Theory]
    [InlineData("hello")]     // successor 'p', printable: 94 others share 0.1
    [InlineData("end.")]      // successor <|im_end|>: 95 printable share 0.1
    [InlineData("line\n")]    // byte token: successor 'a'
    public void SoftmaxOfLogitsIsTheDocumentedDistribution(string prompt)
    {
        var tokens = model.Context.Tokenize(prompt, addBos: true, special: true);
        var current = (int)tokens[^1];
        var p = DemoModelFixture.Softmax(model.Prefill(tokens));
        Assert.Equal(DemoModel.VocabularySize, p.Length);
        Assert.Equal(DemoModel.TopProbability, p[DemoModel.NextToken(current)], 1e-4);
        var worst = 0.0;
        for (var t = 0; t < p.Length; t++)
            worst = Math.Max(worst, Math.Abs(p[t] - DemoModel.Probability(current, t)));
        output.WriteLine($"max |p - Probability| = {worst:E2}, p(top) = {p[DemoModel.NextToken(current)]:F7}");
        Assert.True(worst < 1e-5, $"max deviation {worst}");
        Assert.Equal(0, p[DemoModel.TokenOf('\n')], 1e-30);
    }

    [Fact]
    public void SeededSamplingAtTemperatureOneDrawsOnlyPrintableTokensAtTheDocumentedRates()
    {
        model.Prefill(model.Context.Tokenize("hello", addBos: true, special: true), out var index);
        using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddDistributionSampler(1234);
        const int draws = 4000;
        var counts = new int[DemoModel.VocabularySize];
        for (var i = 0; i < draws; i++)
            counts[(int)chain.Sample(model.Context.NativeHandle, index)]++;

        var successor = DemoModel.TokenOf('p');
        output.WriteLine($"p(successor) ~ {counts[successor] / (double)draws:F4}");
        Assert.InRange(counts[successor] / (double)draws, 0.88, 0.92); // +-4.5 sigma
        for (var t = 0; t < counts.Length; t++)
            if (counts[t] > 0 && t != successor)
                Assert.True(DemoModel.IsPrintable(t), $"sampled non-printable token {t} {DemoModel.PieceOf(t)}");
        Assert.True(counts.Count(c => c > 0) > 50, "the 0.1 tail should reach many printable tokens");
    }

    [Fact]
    public void VocabularyAndMetadataAreWhatLlamaCppExpects()
    {
        var vocab = model.Weights.Vocab;
        Assert.Equal(DemoModel.VocabularySize, vocab.Count);
        Assert.Equal(LLamaVocabType.SentencePiece, vocab.Type);
        Assert.Equal(DemoModel.BeginOfSequenceToken, (int?)vocab.BOS);
        Assert.Equal(DemoModel.EndOfSequenceToken, (int?)vocab.EOS);
        Assert.Equal(DemoModel.EndOfTurnToken, (int?)vocab.EOT);
        Assert.True(vocab.ShouldAddBOS);
        Assert.False(vocab.ShouldAddEOS);
        Assert.True(((LLamaToken)DemoModel.EndOfTurnToken).IsEndOfGeneration(vocab));
        Assert.True(((LLamaToken)DemoModel.EndOfSequenceToken).IsEndOfGeneration(vocab));
        Assert.False(((LLamaToken)DemoModel.StartOfTurnToken).IsEndOfGeneration(vocab));
        Assert.Equal(DemoModel.ChatTemplate, model.Weights.Metadata["tokenizer.chat_template"]);
        Assert.Equal("llm-demo", model.Weights.Metadata["general.name"]);
        Assert.Equal(4096, model.Weights.NativeHandle.ContextSize);
    }

    [Fact]
    public void TemplateFromWeightsRendersChatMl()
    {
        var template = new LLamaTemplate(model.Weights) { AddAssistant = true };
        template.Add("system", "be brief");
        template.Add("user", "hello");
        var text = System.Text.Encoding.UTF8.GetString(template.Apply());
        Assert.Equal("<|im_start|>system\nbe brief<|im_end|>\n" + ChatPrompt, text);
    }

    [Fact]
    public void DetokenizingKeepsSpacesAndDecodesBytes()
    {
        var tokens = model.Context.Tokenize("hi there\n", addBos: false, special: true);
        var decoder = new StreamingTokenDecoder(model.Context);
        decoder.AddRange(tokens);
        Assert.Equal(" hi there\n", decoder.Read());

        decoder.Add(DemoModel.EndOfTurnToken);
        Assert.Equal("", decoder.Read());
        decoder.DecodeSpecialTokens = true;
        decoder.Add(DemoModel.EndOfTurnToken);
        Assert.Equal("<|im_end|>", decoder.Read());
    }

    private static int[] Ids(LLamaToken[] tokens) => tokens.Select(t => (int)t).ToArray();
}
