using System.Text;
using Llm.Runtime.Errors;
using Llm.Runtime.Inference;
using Llm.Runtime.Models.Demo;

namespace Llm.Runtime.Tests.Inference;

public sealed class InferenceEngineTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0 };

    private async Task<(string Text, GenerationUpdate Last)> GenerateAsync(string prompt, int? maxTokens = null, SamplingParams? sampling = null, string[]? stop = null)
    {
        var tokens = fixture.Demo.Tokenize(prompt, addSpecial: true, parseSpecial: true);
        var stream = fixture.Demo.Submit(new GenerationRequest { PromptTokens = tokens, MaxTokens = maxTokens, Sampling = sampling ?? Greedy, Stop = stop ?? [] });
        var text = new StringBuilder();
        GenerationUpdate last = default;
        await foreach (var update in stream.ReadAllAsync())
        {
            text.Append(update.Text);
            last = update;
        }
        return (text.ToString(), last);
    }

    [Theory]
    [InlineData("hello", 50)]
    [InlineData("x", 50)]
    [InlineData("Hello W", 50)]
    [InlineData("7", 12)]
    [InlineData("abc", 5)]
    public async Task GreedyOutputIsTheDocumentedContinuation(string prompt, int maxTokens)
    {
        var (expected, endedTurn) = DemoModel.GreedyContinuation(prompt[^1], maxTokens);
        var (text, last) = await GenerateAsync(prompt, maxTokens);
        Assert.Equal(expected, text);
        Assert.Equal(endedTurn ? FinishReason.Stop : FinishReason.Length, last.FinishReason);
        Assert.Equal(expected.Length, last.CompletionTokens);
    }

    [Fact]
    public async Task ChatPromptGetsTheKnownReply()
    {
        var prompt = fixture.Demo.Template.Render([new("system", "be brief"), new("user", "hello")]);
        var (text, last) = await GenerateAsync(prompt);
        Assert.Equal(DemoModel.ChatReply, text);
        Assert.Equal(FinishReason.Stop, last.FinishReason);
    }

    [Fact]
    public async Task StopStringSpanningTokensEndsGenerationBeforeIt()
    {
        var (text, last) = await GenerateAsync("hello", stop: ["tuv"]);
        Assert.Equal("pqrs", text);
        Assert.Equal(FinishReason.Stop, last.FinishReason);
    }

    [Fact]
    public async Task SameSeedSameTextDifferentSeedsDiffer()
    {
        SamplingParams Seeded(ulong seed) => new() { Temperature = 1, Seed = seed };
        var a = await GenerateAsync("0", 40, Seeded(1));
        var b = await GenerateAsync("0", 40, Seeded(1));
        var c = await GenerateAsync("0", 40, Seeded(2));
        Assert.Equal(a.Text, b.Text);
        Assert.NotEqual(a.Text, c.Text);
        Assert.NotEqual(DemoModel.GreedyContinuation('0', 40).Text, a.Text);
    }

    [Fact]
    public async Task ConcurrentRequestsGetTheirOwnOutputs()
    {
        var prompts = Enumerable.Range(0, 24).Select(i => i % 3 == 0 ? "hello" : i % 3 == 1 ? "3" : "K").ToArray();
        var results = await Task.WhenAll(prompts.Select(p => GenerateAsync(p, 30)));
        for (var i = 0; i < prompts.Length; i++) Assert.Equal(DemoModel.GreedyContinuation(prompts[i][^1], 30).Text, results[i].Text);
    }

    [Fact]
    public async Task LogitBiasBansTheGreedyToken()
    {
        var sampling = new SamplingParams { Temperature = 0, LogitBias = new Dictionary<int, float> { [DemoModel.TokenOf('q')] = float.NegativeInfinity } };
        var (text, _) = await GenerateAsync("p", 1, sampling);
        Assert.NotEqual("q", text);
    }

    [Fact]
    public async Task CancelledRequestEndsAndOthersContinue()
    {
        using var cancel = new CancellationTokenSource();
        var tokens = fixture.Demo.Tokenize("0", addSpecial: true, parseSpecial: true);
        var endless = fixture.Demo.Submit(new GenerationRequest { PromptTokens = tokens, Sampling = Greedy }, cancel.Token);
        var received = 0;
        await foreach (var update in endless.ReadAllAsync())
        {
            if (++received == 5) await cancel.CancelAsync();
            Assert.Null(update.FinishReason);
        }
        Assert.InRange(received, 5, 200);
        var (text, _) = await GenerateAsync("hello");
        Assert.Equal("pqrstuvwxyz.", text);
    }

    [Fact]
    public void PromptBeyondTheContextIsRejectedAtOnce()
    {
        var tokens = Enumerable.Repeat(DemoModel.TokenOf('a'), 1000).ToArray();
        Assert.Throws<ContextLengthExceededException>(() => fixture.Demo.Submit(new GenerationRequest { PromptTokens = tokens, MaxTokens = 100 }));
        var ex = Assert.Throws<InvalidInputException>(() => fixture.Demo.Submit(new GenerationRequest { PromptTokens = [DemoModel.VocabularySize] }));
        Assert.Equal(InputPart.Prompt, ex.Part);
    }

    [Fact]
    public async Task PenaltiesSteerAwayFromRepeatedTokens()
    {
        var plain = await GenerateAsync("0", 15);
        Assert.Equal("123456789012345", plain.Text);
        var penalised = await GenerateAsync("0", 15, new SamplingParams { Temperature = 0, RepeatPenalty = 10, FrequencyPenalty = 2, PresencePenalty = 2 });
        Assert.Equal("1234567890", penalised.Text[..10]);
        Assert.NotEqual('1', penalised.Text[10]);
    }

    [Theory]
    [InlineData(1, 1f, 0f)]
    [InlineData(0, 0.5f, 0f)]
    [InlineData(0, 1f, 0.5f)]
    public async Task TruncationSamplersKeepOnlyTheTopTokenOfThisModel(int topK, float topP, float minP)
    {
        var greedy = DemoModel.GreedyContinuation('0', 60).Text;
        var loose = await GenerateAsync("0", 60, new SamplingParams { Temperature = 1.5f, Seed = 11 });
        Assert.NotEqual(greedy, loose.Text);
        var truncated = await GenerateAsync("0", 60, new SamplingParams { Temperature = 1.5f, Seed = 11, TopK = topK, TopP = topP, MinP = minP });
        Assert.Equal(greedy, truncated.Text);
    }

    [Fact]
    public void TokenizeAndDetokenizeRoundTrip()
    {
        var tokens = fixture.Demo.Tokenize("Hello, world!", addSpecial: false, parseSpecial: false);
        Assert.Equal(DemoModel.SpaceToken, tokens[0]);
        // SentencePiece prefixes a space when tokenizing; detokenizing takes it off the first piece again.
        Assert.Equal("Hello, world!", fixture.Demo.Detokenize(tokens));
        var withBos = fixture.Demo.Tokenize("hi", addSpecial: true, parseSpecial: false);
        Assert.Equal(DemoModel.BeginOfSequenceToken, withBos[0]);
    }

    [Fact]
    public async Task RequestsWithoutALimitGetTheirShareOfTheContextAndRunTogether()
    {
        var tokens = fixture.Demo.Tokenize("0", addSpecial: true, parseSpecial: true);
        var first = fixture.Demo.Submit(new GenerationRequest { PromptTokens = tokens, Sampling = Greedy });
        var second = fixture.Demo.Submit(new GenerationRequest { PromptTokens = tokens, Sampling = Greedy });
        var firstEnded = DateTime.MaxValue;
        var secondStarted = DateTime.MaxValue;
        GenerationUpdate last = default;
        await Task.WhenAll(
            Task.Run(async () =>
            {
                await foreach (var update in first.ReadAllAsync()) last = update;
                firstEnded = DateTime.UtcNow;
            }),
            Task.Run(async () =>
            {
                await foreach (var update in second.ReadAllAsync())
                {
                    if (secondStarted == DateTime.MaxValue) secondStarted = DateTime.UtcNow;
                }
            }));
        // 1024 cells shared by 4 sequences: a share of 256, which is also the minimum budget.
        Assert.Equal(FinishReason.Length, last.FinishReason);
        Assert.Equal(256, last.CompletionTokens);
        Assert.True(secondStarted < firstEnded, "the second unlimited request waited for the first to finish");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InlineUpdatesResumeTheReaderOnTheEngineThreadExceptTheLastUpdate(bool inline)
    {
        var tokens = fixture.Demo.Tokenize("x", addSpecial: true, parseSpecial: true);
        var stream = fixture.Demo.Submit(new GenerationRequest { PromptTokens = tokens, MaxTokens = 12, Sampling = Greedy, InlineUpdates = inline });
        var text = new StringBuilder();
        var threads = new List<string?>();
        await foreach (var update in stream.ReadAllAsync())
        {
            threads.Add(Thread.CurrentThread.Name);
            text.Append(update.Text);
        }

        Assert.Equal(DemoModel.GreedyContinuation('x', 12).Text, text.ToString());
        Assert.True(threads.Count >= 4, $"only {threads.Count} updates");
        // Updates already waiting when the reader starts (several on a loaded machine) are read on the reader's own
        // thread; every later one resumes it on the engine thread. The last comes from the thread pool.
        var middle = threads.Skip(1).SkipLast(1).ToList();
        if (inline)
        {
            Assert.Contains("llm-engine", middle);
            Assert.All(middle.SkipWhile(name => name == threads[0]), name => Assert.Equal("llm-engine", name));
        }
        else Assert.DoesNotContain("llm-engine", threads);
        Assert.NotEqual("llm-engine", threads[^1]);
    }
}
