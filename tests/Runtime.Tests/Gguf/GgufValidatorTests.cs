using LLama;
using LLama.Common;
using Llm.Runtime.Gguf;
using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;
using Llm.Runtime.Tests.Gguf.Hostile;
using Xunit.Abstractions;

namespace Llm.Runtime.Tests.Gguf;

/// <summary>The GGUF gate: every hostile kind is refused with a reason naming its key or tensor; valid models pass.</summary>
public sealed class GgufValidatorTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gguf-hostile-").FullName;

    public static TheoryData<string> KindNames()
    {
        var data = new TheoryData<string>();
        foreach (var kind in HostileGguf.Kinds) data.Add(kind.Name);
        return data;
    }

    [Fact]
    public void TheCorpusHasAtLeastThirtyKindsIncludingTheOnesThatCrashed()
    {
        Assert.True(HostileGguf.Kinds.Count >= 30, $"{HostileGguf.Kinds.Count} kinds");
        Assert.Equal(HostileGguf.Kinds.Count, HostileGguf.Kinds.Select(k => k.Name).Distinct().Count());
        foreach (var name in HostileGguf.Named) Assert.Contains(HostileGguf.Kinds, k => k.Name == name);
    }

    [Fact]
    public void TheBaseOfTheCorpusPassesAndLlamaCppLoadsIt()
    {
        var path = Path.Combine(_folder, "base.gguf");
        File.WriteAllBytes(path, HostileGguf.BaseModel);
        GgufValidator.ValidateFile(path);
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0 });
        Assert.Equal(HostileGguf.Vocabulary.Length, weights.Vocab.Count);
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void EveryHostileKindIsRefusedWithAReasonNamingItsKeyOrTensor(string name)
    {
        var kind = HostileGguf.Kinds.Single(k => k.Name == name);
        var path = kind.Write(_folder);
        var error = Assert.Throws<ModelLoadException>(() => ModelFileCheck.EnsureValid(path));
        output.WriteLine(error.Message);
        Assert.Contains(kind.Expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Model file '{path}' is refused: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>
    /// Beyond the named kinds: random byte changes anywhere in the header of the base model either pass the gate or are
    /// refused with <see cref="InvalidDataException"/>, never another exception (which would escape start-up unhandled).
    /// </summary>
    [Fact]
    public void RandomCorruptionsOfTheHeaderAreRefusedCleanlyOrPass()
    {
        var original = HostileGguf.BaseModel;
        int headerLength;
        using (var stream = new MemoryStream(original)) headerLength = (int)GgufReader.Read(stream).DataOffset;
        var random = new Random(1234);
        int refused = 0, passed = 0;
        for (var round = 0; round < 3000; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                var at = random.Next(headerLength);
                bytes[at] = random.Next(3) switch { 0 => (byte)random.Next(256), 1 => 0xFF, _ => 0 };
            }
            using var stream = new MemoryStream(bytes);
            try
            {
                GgufValidator.Validate(GgufReader.Read(stream), bytes.Length);
                passed++;
            }
            catch (InvalidDataException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                refused++;
            }
        }
        output.WriteLine($"{refused} refused, {passed} passed");
        Assert.True(refused > 1000, $"{refused} refused");
    }

    [Fact]
    public void ASparseFileClaimingTwoBillionTensorsIsRefusedWithoutAllocating()
    {
        var path = HostileGguf.Kinds.Single(k => k.Name == "tensor-count-2g-sparse").Write(_folder);
        Assert.True(new FileInfo(path).Length > 50L << 30);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = Assert.Throws<InvalidDataException>(() => GgufValidator.ValidateFile(path));
        Assert.Contains("tensor_count 2147483647", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 << 20);
    }

    [Fact]
    public void ArraysNestedAMillionDeepAreRefusedWithoutRecursingIntoThem()
    {
        var path = HostileGguf.Kinds.Single(k => k.Name == "nested-array-1m").Write(_folder);
        var error = Assert.Throws<InvalidDataException>(() => GgufReader.ReadFile(path));
        Assert.Contains($"nested more than {GgufLimits.MaxArrayDepth} deep", error.Message, StringComparison.Ordinal);
        Assert.Contains("test.deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArchitectureLlamaCppDoesNotKnowPassesOurGateSoLlamaCppCanSayWhy()
    {
        var path = HostileGguf.UnknownToLlamaCpp.Write(_folder);
        GgufValidator.ValidateFile(path);
    }

    [Fact]
    public void TheDemoModelPasses()
    {
        var path = DemoModel.EnsureBuilt(_folder);
        var file = GgufValidator.ValidateFile(path);
        Assert.Equal("llama", file.Architecture);
    }

    private static readonly string[] s_sharedFiles =
    [
        "llama-2-tiny-random.gguf", "ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf", "ggml-vocab-gpt-2.gguf",
        "ggml-vocab-deepseek-coder.gguf", "ggml-vocab-bert-bge.gguf",
    ];

    /// <summary>
    /// The benchmark's synthetic model (bench/Llm.Bench/SyntheticModel.cs): 768 wide, 12 blocks, 12 heads over 4 KV heads,
    /// FFN 2048, the tiny Llama 2 vocabulary, Q4_K_M types. Written as a header over a sparse data section: the gate reads
    /// only headers and the file length, and the real file is 76 MiB that the default test run should not quantize.
    /// </summary>
    [Fact]
    public void TheBenchmarksSyntheticModelShapePasses()
    {
        const int width = 768, blocks = 12, heads = 12, kvHeads = 4, ff = 2048;
        var vocabulary = GgufReader.ReadFile(SharedModels.TinyLlama);
        var writer = new GgufWriter()
            .Set("general.architecture", GgufValue.String("llama"))
            .Set("general.alignment", GgufValue.UInt32(32))
            .Set("general.file_type", GgufValue.UInt32(15))
            .Set("llama.vocab_size", GgufValue.UInt32(32000))
            .Set("llama.context_length", GgufValue.UInt32(16384))
            .Set("llama.embedding_length", GgufValue.UInt32(width))
            .Set("llama.block_count", GgufValue.UInt32(blocks))
            .Set("llama.feed_forward_length", GgufValue.UInt32(ff))
            .Set("llama.attention.head_count", GgufValue.UInt32(heads))
            .Set("llama.attention.head_count_kv", GgufValue.UInt32(kvHeads))
            .Set("llama.rope.dimension_count", GgufValue.UInt32(width / heads))
            .Set("llama.rope.freq_base", GgufValue.Float32(10000f))
            .Set("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-5f));
        foreach (var key in vocabulary.MetadataKeys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)))
            writer.Set(key, vocabulary.Metadata[key]);
        using var header = new MemoryStream();
        writer.WriteTo(header);
        var raw = RawGguf.From(header.ToArray());

        ulong offset = 0;
        void Add(string name, GgufTensorType type, params long[] shape)
        {
            raw.Tensors.Add(new RawTensor(name, shape.Select(d => (ulong)d).ToArray(), (uint)type, offset));
            GgufTensorTypeSizes.TryGetBlock(type, out var blockElements, out var blockBytes);
            var bytes = (ulong)(shape.Aggregate(1L, (a, b) => a * b) / blockElements * blockBytes);
            offset = (offset + bytes + 31) / 32 * 32;
        }
        const int kvWidth = width / heads * kvHeads;
        Add("token_embd.weight", GgufTensorType.Q4_K, width, 32000);
        for (var b = 0; b < blocks; b++)
        {
            Add($"blk.{b}.attn_norm.weight", GgufTensorType.F32, width);
            Add($"blk.{b}.attn_q.weight", GgufTensorType.Q4_K, width, width);
            Add($"blk.{b}.attn_k.weight", GgufTensorType.Q4_K, width, kvWidth);
            Add($"blk.{b}.attn_v.weight", GgufTensorType.Q6_K, width, kvWidth);
            Add($"blk.{b}.attn_output.weight", GgufTensorType.Q4_K, width, width);
            Add($"blk.{b}.ffn_norm.weight", GgufTensorType.F32, width);
            Add($"blk.{b}.ffn_gate.weight", GgufTensorType.Q4_K, width, ff);
            Add($"blk.{b}.ffn_up.weight", GgufTensorType.Q4_K, width, ff);
            Add($"blk.{b}.ffn_down.weight", GgufTensorType.Q6_K, ff, width);
        }
        Add("output_norm.weight", GgufTensorType.F32, width);
        Add("output.weight", GgufTensorType.Q6_K, width, 32000);
        raw.SparseLength = raw.ToBytes().Length + (long)offset;
        var path = Path.Combine(_folder, "synthetic.gguf");
        raw.WriteFile(path);

        var file = GgufValidator.ValidateFile(path);
        Assert.Equal(1 + 9 * blocks + 2, file.Tensors.Count);

        // The same file with one block's K projection sized for 12 KV heads instead of 4 is refused by name.
        raw.Replace("blk.7.attn_k.weight", t => t with { Dims = [width, width] });
        raw.WriteFile(path);
        var error = Assert.Throws<InvalidDataException>(() => GgufValidator.ValidateFile(path));
        Assert.Contains("blk.7.attn_k.weight", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> SharedModelFiles() => new(s_sharedFiles);

    /// <summary>The shared vocabulary files have no tensors: llama.cpp loads them with vocab_only, and so does the gate.</summary>
    [Theory]
    [MemberData(nameof(SharedModelFiles))]
    public void EverySharedModelPasses(string name)
    {
        var path = Path.Combine(Path.GetDirectoryName(SharedModels.TinyLlama)!, name);
        Assert.True(File.Exists(path), $"Shared test model missing: {path} (see ../shared/models/README.md).");
        var vocabularyOnly = name.StartsWith("ggml-vocab-", StringComparison.Ordinal);
        var file = GgufValidator.ValidateFile(path, vocabularyOnly);
        Assert.Equal(vocabularyOnly, file.Tensors.Count == 0);
        if (vocabularyOnly)
        {
            // As full models they lack weights and hyper-parameters, and the gate says so instead of passing them to llama.cpp.
            Assert.Throws<InvalidDataException>(() => GgufValidator.ValidateFile(path));
            using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0, VocabOnly = true });
            Assert.Equal(file.Metadata[GgufVocabularyRules.Tokens].Count, weights.Vocab.Count);
        }
    }

    [Fact]
    public void EveryGgufInTheSharedFolderIsCovered()
    {
        var folder = Path.GetDirectoryName(SharedModels.TinyLlama)!;
        var covered = s_sharedFiles.ToHashSet();
        foreach (var path in Directory.GetFiles(folder, "*.gguf"))
            Assert.Contains(Path.GetFileName(path), covered);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
