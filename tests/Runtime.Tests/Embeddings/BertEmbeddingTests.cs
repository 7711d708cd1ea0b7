using System.Numerics.Tensors;
using Llm.Runtime.Errors;
using Llm.Runtime.Gguf;
using Llm.Runtime.Gguf.RandomWeights;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;
using Llm.Tests.Families;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Tests.Embeddings;

/// <summary>The random-weight BERT with the bge WordPiece vocabulary, loaded as the server loads models.</summary>
public sealed class BertHostFixture : IDisposable
{
    public BertHostFixture()
    {
        Host = ModelHost.Load(new ModelSettings { Name = BertModel.Name, Path = BertModel.Path, ContextSize = 512, Parallel = 1, Threads = 2 }, NullLoggerFactory.Instance);
        Reference = new BertReference(BertModel.Path);
    }

    public ModelHost Host { get; }

    public BertReference Reference { get; }

    public void Dispose() => Host.Dispose();
}

/// <summary>
/// Embeddings of an encoder-only model with CLS pooling: shapes, norms, determinism, and the pooled vector held
/// against a managed forward pass of the same file.
/// </summary>
public sealed class BertEmbeddingTests(BertHostFixture bert) : IClassFixture<BertHostFixture>
{
    private const float Tolerance = 2e-3f;

    private async Task<float[]> EmbedAsync(IReadOnlyList<int> tokens) => (await bert.Host.Embeddings.EmbedAsync([tokens]))[0];

    private int[] Tokens(string text) => bert.Host.Tokenize(text, addSpecial: true, parseSpecial: false);

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"component {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static float[] Normalised(float[] v)
    {
        var copy = v.ToArray();
        TensorPrimitives.Divide(copy, TensorPrimitives.Norm(copy), copy);
        return copy;
    }

    [Fact]
    public void TheFileIsAnEncoderWithClsPoolingAndTheBgeVocabulary()
    {
        var file = GgufReader.ReadFile(BertModel.Path);
        var vocabulary = GgufReader.ReadFile(BertModel.VocabularyPath);
        Assert.Equal("bert", file.Architecture);
        Assert.Equal(BertRandomModel.ClsPooling, file.Metadata["bert.pooling_type"].Get<uint>());
        Assert.False(file.Metadata["bert.attention.causal"].Get<bool>());
        var tokenizerKeys = vocabulary.MetadataKeys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tokenizerKeys);
        foreach (var key in tokenizerKeys) Assert.Equal(vocabulary.Metadata[key].ToString(), file.Metadata[key].ToString());
        Assert.Equal(vocabulary.Metadata["tokenizer.ggml.tokens"].GetArray<string>(), file.Metadata["tokenizer.ggml.tokens"].GetArray<string>());

        // Seeded: a second build is byte-identical.
        using var first = new MemoryStream();
        using var second = new MemoryStream();
        BertRandomModel.Create(BertModel.VocabularyPath).WriteTo(first);
        BertRandomModel.Create(BertModel.VocabularyPath).WriteTo(second);
        Assert.True(first.ToArray().AsSpan().SequenceEqual(second.ToArray()), "two builds with the same seed differ");
        // The cached file is this build's (a stale cache from older weights would need a new file name).
        Assert.True(first.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(BertModel.Path)), $"{BertModel.Path} is not this build's model");
    }

    [Fact]
    public void LlamaCppAddsClsAndSepAroundWordPieces()
    {
        Assert.Equal([BertModel.ClsToken, 7592, 2088, BertModel.SepToken], Tokens("Hello world"));
        Assert.Equal([7592, 2088], bert.Host.Tokenize("Hello world", addSpecial: false, parseSpecial: false));
        Assert.Equal("bert", bert.Host.Info.Architecture);
    }

    [Fact]
    public void GenerationIsRefusedBeforeAnythingIsQueued()
    {
        Assert.False(bert.Host.CanGenerate);
        var error = Assert.Throws<InvalidInputException>(() => bert.Host.Submit(new GenerationRequest { PromptTokens = Tokens("hello"), MaxTokens = 2, Sampling = new SamplingParams { Temperature = 0 } }));
        Assert.Equal(InputPart.Model, error.Part);
        Assert.Contains("embedding", error.Message, StringComparison.Ordinal);
        var metrics = bert.Host.GetMetrics();
        Assert.Equal((0, 0, 0L), (metrics.ActiveSequences, metrics.WaitingSequences, metrics.PromptTokens));
    }

    [Fact]
    public async Task VectorsHaveTheModelWidthUnitNormAndAreDeterministic()
    {
        var engine = bert.Host.Embeddings;
        Assert.Equal(BertRandomModel.EmbeddingLength, engine.Dimensions);
        var a = await EmbedAsync(Tokens("The quick brown fox"));
        var again = await EmbedAsync(Tokens("The quick brown fox"));
        Assert.Equal(BertRandomModel.EmbeddingLength, a.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(a), 4);
        Assert.Equal(a, again);

        var b = await EmbedAsync(Tokens("jumps over the lazy dog"));
        Assert.True(TensorPrimitives.CosineSimilarity(a, b) < 0.99f, "different texts gave (almost) the same vector");
    }

    [Fact]
    public async Task ThePooledVectorIsTheClsStateOfTheReferenceForwardPass()
    {
        foreach (var text in new[] { "Hello world", "Cửa Việt discards 3333 apples!" })
        {
            var tokens = Tokens(text);
            var states = bert.Reference.HiddenStates(tokens);
            var actual = await EmbedAsync(tokens);
            AssertClose(Normalised(states[0]), actual);

            // Not mean pooling: the mean of the states is measurably elsewhere.
            var mean = new float[states[0].Length];
            foreach (var row in states) TensorPrimitives.Add(mean, row, mean);
            Assert.True(TensorPrimitives.Distance(Normalised(mean), actual) > 20 * Tolerance, "the vector is also the mean of the states");
        }
    }

    [Fact]
    public async Task TheClsVectorDependsOnTheWholeInputThroughAttention()
    {
        // Same first two tokens ([CLS] hello): only attention can carry the last word into the [CLS] state.
        var world = await EmbedAsync(Tokens("hello world"));
        var there = await EmbedAsync(Tokens("hello there"));
        Assert.True(TensorPrimitives.Distance(world, there) > 0.01f, "the [CLS] vector ignored the rest of the input");
    }

    [Fact]
    public async Task ABatchGivesEachInputTheVectorItGetsAlone()
    {
        string[] texts = ["hello world", "a much longer input with several more word pieces in it", "x"];
        var batch = await bert.Host.Embeddings.EmbedAsync(texts.Select(t => (IReadOnlyList<int>)Tokens(t)).ToList());
        Assert.Equal(texts.Length, batch.Length);
        for (var i = 0; i < texts.Length; i++) AssertClose(await EmbedAsync(Tokens(texts[i])), batch[i], 1e-4f);
        Assert.True(TensorPrimitives.Distance(batch[0], batch[1]) > 0.01f);
    }
}
