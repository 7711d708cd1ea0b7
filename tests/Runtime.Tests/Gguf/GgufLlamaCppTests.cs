using LLama;
using LLama.Common;
using LLama.Native;
using Llm.Runtime.Gguf;
using Llm.Runtime.Models.Demo;
using Xunit.Abstractions;

namespace Llm.Runtime.Tests.Gguf;

/// <summary>Files from <see cref="GgufWriter"/> as real llama.cpp reads them, and real files through <see cref="GgufReader"/>.</summary>
public sealed class GgufLlamaCppTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gguf-llama-").FullName;

    [Fact]
    public void LlamaCppSeesExtraMetadataOfEveryScalarType()
    {
        var path = Path.Combine(_folder, "extra.gguf");
        DemoModelBuilder.Create()
            .Set("test.u8", GgufValue.UInt8(200))
            .Set("test.i8", GgufValue.Int8(-100))
            .Set("test.u16", GgufValue.UInt16(60000))
            .Set("test.i16", GgufValue.Int16(-30000))
            .Set("test.u32", GgufValue.UInt32(4_000_000_000))
            .Set("test.i32", GgufValue.Int32(-2_000_000_000))
            .Set("test.f32", GgufValue.Float32(1.25f))
            .Set("test.bool", GgufValue.Bool(true))
            .Set("test.str", GgufValue.String("héllo wörld"))
            .Set("test.u64", GgufValue.UInt64(18_000_000_000_000_000_000))
            .Set("test.i64", GgufValue.Int64(-9_000_000_000_000_000_000))
            .Set("test.f64", GgufValue.Float64(-2.5))
            .Set("test.arr", GgufValue.Array<int>([1, 2, 3]))
            .WriteFile(path);

        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0 });
        var m = weights.Metadata;
        foreach (var key in m.Keys.Where(k => k.StartsWith("test.", StringComparison.Ordinal)))
            output.WriteLine($"{key} = {m[key]}");
        Assert.Equal("200", m["test.u8"]);
        Assert.Equal("-100", m["test.i8"]);
        Assert.Equal("60000", m["test.u16"]);
        Assert.Equal("-30000", m["test.i16"]);
        Assert.Equal("4000000000", m["test.u32"]);
        Assert.Equal("-2000000000", m["test.i32"]);
        Assert.Equal(1.25, double.Parse(m["test.f32"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("true", m["test.bool"]);
        Assert.Equal("héllo wörld", m["test.str"]);
        Assert.Equal("18000000000000000000", m["test.u64"]);
        Assert.Equal("-9000000000000000000", m["test.i64"]);
        Assert.Equal(-2.5, double.Parse(m["test.f64"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("llama", m["general.architecture"]);
        Assert.Equal(DemoModel.VocabularySize, weights.Vocab.Count);
    }

    [Fact]
    public void ReaderReadsInfosOfAQ4KQuantizedFile()
    {
        var source = Path.Combine(_folder, "demo.gguf");
        var quantized = Path.Combine(_folder, "demo-q4km.gguf");
        DemoModel.WriteFile(source);
        NativeApi.llama_empty_call(); // Quantize as the first native call fails to find the library (see notes).
        Assert.True(LLamaQuantizer.Quantize(source, quantized, LLamaFtype.MOSTLY_Q4_K_M));

        var file = GgufReader.ReadFile(quantized);
        foreach (var t in file.Tensors)
            output.WriteLine($"{t.Name} {t.Type} [{string.Join(",", t.Shape)}] @{t.Offset} {t.ByteSize}");
        Assert.Contains(file.Tensors, t => t.Type == GgufTensorType.Q4_K);
        AssertTensorsTileTheDataSection(file, new FileInfo(quantized).Length);
        GgufValidator.Validate(file, new FileInfo(quantized).Length);
        Assert.Equal(DemoModel.VocabularySize, file.Metadata["tokenizer.ggml.tokens"].Count);
    }

    [Fact]
    public void ReaderReadsTheSharedTinyLlama()
    {
        var path = SharedModels.TinyLlama;
        Assert.True(File.Exists(path), $"Shared test model missing: {path} (see ../shared/models/README.md).");
        var file = GgufReader.ReadFile(path);

        Assert.Equal("llama", file.Architecture);
        Assert.Equal(32000, file.Metadata["tokenizer.ggml.tokens"].Count);
        Assert.Equal(GgufValueType.Float32, file.Metadata["tokenizer.ggml.scores"].ElementType);
        Assert.Equal(8, file.GetInteger("llama.embedding_length"));
        Assert.Equal(4096, file.GetInteger("llama.context_length"));
        Assert.Contains(file.Tensors, t => t.Name == "token_embd.weight" && t.Shape.SequenceEqual([8L, 32000L]));
        AssertTensorsTileTheDataSection(file, new FileInfo(path).Length);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Each tensor starts where the previous one ends (after alignment), and the last ends the file.</summary>
    private static void AssertTensorsTileTheDataSection(GgufFile file, long fileLength)
    {
        long expected = 0;
        foreach (var t in file.Tensors.OrderBy(t => t.Offset))
        {
            Assert.Equal(expected, t.Offset);
            var size = t.ByteSize;
            Assert.NotNull(size);
            expected = (t.Offset + size.Value + file.Alignment - 1) / file.Alignment * file.Alignment;
        }
        Assert.InRange(fileLength, file.DataOffset + expected - file.Alignment + 1, file.DataOffset + expected);
    }
}
