using System.Runtime.InteropServices;
using Llm.Runtime.Gguf;

namespace Llm.Runtime.Tests.Gguf;

public sealed class GgufRoundTripTests
{
    private static GgufFile RoundTrip(GgufWriter writer, out byte[] bytes)
    {
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        bytes = stream.ToArray();
        return GgufReader.Read(new MemoryStream(bytes));
    }

    [Fact]
    public void EveryScalarTypeRoundTripsWithItsExactType()
    {
        var w = new GgufWriter()
            .Set("u8", GgufValue.UInt8(250))
            .Set("i8", GgufValue.Int8(-120))
            .Set("u16", GgufValue.UInt16(65000))
            .Set("i16", GgufValue.Int16(-32000))
            .Set("u32", GgufValue.UInt32(4_000_000_000))
            .Set("i32", GgufValue.Int32(-2_000_000_000))
            .Set("f32", GgufValue.Float32(1.5e-5f))
            .Set("bool", GgufValue.Bool(true))
            .Set("str", GgufValue.String("héllo ▁ <|im_end|>"))
            .Set("empty", GgufValue.String(""))
            .Set("u64", GgufValue.UInt64(ulong.MaxValue - 1))
            .Set("i64", GgufValue.Int64(long.MinValue + 1))
            .Set("f64", GgufValue.Float64(Math.PI));
        var file = RoundTrip(w, out _);

        Assert.Equal(3u, file.Version);
        Assert.Equal(["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "empty", "u64", "i64", "f64"], file.MetadataKeys);
        Assert.Equal(GgufValueType.UInt8, file.Metadata["u8"].Type);
        Assert.Equal((byte)250, file.Metadata["u8"].Get<byte>());
        Assert.Equal((sbyte)-120, file.Metadata["i8"].Get<sbyte>());
        Assert.Equal((ushort)65000, file.Metadata["u16"].Get<ushort>());
        Assert.Equal((short)-32000, file.Metadata["i16"].Get<short>());
        Assert.Equal(4_000_000_000u, file.Metadata["u32"].Get<uint>());
        Assert.Equal(-2_000_000_000, file.Metadata["i32"].Get<int>());
        Assert.Equal(1.5e-5f, file.Metadata["f32"].Get<float>());
        Assert.True(file.Metadata["bool"].Get<bool>());
        Assert.Equal("héllo ▁ <|im_end|>", file.GetString("str"));
        Assert.Equal("", file.GetString("empty"));
        Assert.Equal(ulong.MaxValue - 1, file.Metadata["u64"].Get<ulong>());
        Assert.Equal(long.MinValue + 1, file.Metadata["i64"].Get<long>());
        Assert.Equal(Math.PI, file.Metadata["f64"].Get<double>());
        Assert.Equal(4_000_000_000L, file.GetInteger("u32"));
        Assert.Null(file.GetInteger("str"));
        Assert.Throws<InvalidCastException>(() => file.Metadata["u32"].Get<int>());
    }

    [Fact]
    public void ArraysOfEveryElementTypeRoundTrip()
    {
        var w = new GgufWriter()
            .Set("a.u8", GgufValue.Array<byte>([0, 1, 255]))
            .Set("a.i8", GgufValue.Array<sbyte>([-128, 0, 127]))
            .Set("a.u16", GgufValue.Array<ushort>([1, 65535]))
            .Set("a.i16", GgufValue.Array<short>([-32768, 32767]))
            .Set("a.u32", GgufValue.Array<uint>([7, uint.MaxValue]))
            .Set("a.i32", GgufValue.Array<int>([-1, 2, -3]))
            .Set("a.f32", GgufValue.Array<float>([0.5f, -1e30f, float.Epsilon]))
            .Set("a.bool", GgufValue.Array<bool>([true, false, true]))
            .Set("a.str", GgufValue.Array<string>(["<s>", "", "▁", "é"]))
            .Set("a.u64", GgufValue.Array<ulong>([ulong.MaxValue]))
            .Set("a.i64", GgufValue.Array<long>([long.MinValue, 5]))
            .Set("a.f64", GgufValue.Array<double>([1e-300, -2.5]))
            .Set("a.empty", GgufValue.Array<int>([]))
            .Set("a.nested", GgufValue.Array<GgufValue>([GgufValue.Array<int>([1, 2]), GgufValue.Array<string>(["x"])]));
        var m = RoundTrip(w, out _).Metadata;

        Assert.Equal(GgufValueType.UInt8, m["a.u8"].ElementType);
        Assert.Equal([0, 1, 255], m["a.u8"].GetArray<byte>());
        Assert.Equal([-128, 0, 127], m["a.i8"].GetArray<sbyte>());
        Assert.Equal([1, 65535], m["a.u16"].GetArray<ushort>());
        Assert.Equal([-32768, 32767], m["a.i16"].GetArray<short>());
        Assert.Equal([7u, uint.MaxValue], m["a.u32"].GetArray<uint>());
        Assert.Equal([-1, 2, -3], m["a.i32"].GetArray<int>());
        Assert.Equal([0.5f, -1e30f, float.Epsilon], m["a.f32"].GetArray<float>());
        Assert.Equal([true, false, true], m["a.bool"].GetArray<bool>());
        Assert.Equal(["<s>", "", "▁", "é"], m["a.str"].GetArray<string>());
        Assert.Equal(GgufValueType.String, m["a.str"].ElementType);
        Assert.Equal([ulong.MaxValue], m["a.u64"].GetArray<ulong>());
        Assert.Equal([long.MinValue, 5], m["a.i64"].GetArray<long>());
        Assert.Equal([1e-300, -2.5], m["a.f64"].GetArray<double>());
        Assert.Equal(0, m["a.empty"].Count);
        var nested = m["a.nested"].GetArray<GgufValue>();
        Assert.Equal(GgufValueType.Array, m["a.nested"].ElementType);
        Assert.Equal([1, 2], nested[0].GetArray<int>());
        Assert.Equal(["x"], nested[1].GetArray<string>());
    }

    [Fact]
    public void TensorsRoundTripWithAlignedOffsetsAndConvertedData()
    {
        float[] values = [1f, -2.5f, 0.1f, 65504f, 3.14159f, 0f];
        var w = new GgufWriter()
            .Set("general.architecture", GgufValue.String("test"))
            .AddTensor("a.f32", GgufTensorType.F32, values, 3, 2)
            .AddTensor("b.f16", GgufTensorType.F16, values, 6)
            .AddTensor("c.one", GgufTensorType.F32, [42f], 1);
        var file = RoundTrip(w, out var bytes);

        Assert.Equal(32u, file.Alignment);
        Assert.Equal(0, file.DataOffset % 32);
        Assert.Equal(["a.f32", "b.f16", "c.one"], file.Tensors.Select(t => t.Name));
        Assert.Equal([3L, 2L], file.Tensors[0].Shape);
        Assert.Equal(GgufTensorType.F16, file.Tensors[1].Type);
        Assert.Equal([0L, 32L, 64L], file.Tensors.Select(t => t.Offset));
        Assert.Equal(file.DataOffset + 96, bytes.Length);

        using var stream = new MemoryStream(bytes);
        Assert.Equal(values, MemoryMarshal.Cast<byte, float>(file.ReadTensorBytes(stream, file.Tensors[0])).ToArray());
        var halves = MemoryMarshal.Cast<byte, Half>(file.ReadTensorBytes(stream, file.Tensors[1])).ToArray();
        Assert.Equal(values.Select(v => (Half)v), halves);
        Assert.Equal(42f, BitConverter.ToSingle(file.ReadTensorBytes(stream, file.Tensors[2])));
    }

    [Fact]
    public void GeneralAlignmentIsHonoured()
    {
        var w = new GgufWriter()
            .Set("general.alignment", GgufValue.UInt32(256))
            .AddTensor("x", GgufTensorType.F32, new float[5], 5)
            .AddTensor("y", GgufTensorType.F16, new float[300], 300);
        var file = RoundTrip(w, out var bytes);

        Assert.Equal(256u, file.Alignment);
        Assert.Equal(256, file.DataOffset);
        Assert.Equal(256, file.Tensors[1].Offset);
        Assert.Equal(256 + 256 + 768, bytes.Length);
        Assert.All(bytes.AsSpan(256 + 20, 236).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void WriterRejectsInvalidInput()
    {
        var w = new GgufWriter().AddTensor("t", GgufTensorType.F32, new float[4], 2, 2);
        Assert.Throws<ArgumentException>(() => w.Set("general.alignment", GgufValue.UInt32(24)));
        Assert.Throws<ArgumentException>(() => w.Set("general.alignment", GgufValue.UInt64(32)));
        Assert.Throws<ArgumentException>(() => w.AddTensor("t", GgufTensorType.F32, new float[4], 4));
        Assert.Throws<ArgumentException>(() => w.AddTensor("u", GgufTensorType.F32, new float[3], 2, 2));
        Assert.Throws<ArgumentException>(() => w.AddTensor("v", GgufTensorType.Q4_K, new float[256], 256));
        Assert.Throws<ArgumentException>(() => w.AddTensor(new string('n', 64), GgufTensorType.F32, new float[1], 1));
        Assert.Throws<ArgumentException>(() => w.AddTensorBytes("w", GgufTensorType.Q4_K, new byte[100], 256));
        Assert.Throws<ArgumentException>(() => GgufValue.Array<GgufValue>([GgufValue.Int32(1)]));
    }

    [Fact]
    public void ReaderRejectsForeignAndTruncatedFiles()
    {
        Assert.Throws<InvalidDataException>(() => GgufReader.Read(new MemoryStream("GGML0000000000000000000000"u8.ToArray())));
        using var stream = new MemoryStream();
        new GgufWriter()
            .Set("k", GgufValue.Array<string>(["a", "b"]))
            .AddTensor("t", GgufTensorType.F32, new float[8], 8) // 32 bytes: no padding after it
            .WriteTo(stream);
        var bytes = stream.ToArray();
        for (var cut = 1; cut < bytes.Length; cut += 7)
            Assert.Throws<InvalidDataException>(() => GgufReader.Read(new MemoryStream(bytes[..cut])));
    }

    [Fact]
    public void AtomicWriteReplacesTheFileAndLeavesNoTempOnFailure()
    {
        var folder = Directory.CreateTempSubdirectory("gguf-atomic-").FullName;
        try
        {
            var path = Path.Combine(folder, "m.gguf");
            new GgufWriter().Set("v", GgufValue.Int32(1)).WriteFile(path);
            new GgufWriter().Set("v", GgufValue.Int32(2)).WriteFile(path);
            Assert.Equal(2, GgufReader.ReadFile(path).Metadata["v"].Get<int>());

            Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
            {
                s.Write(new byte[10]);
                throw new IOException("disk gone");
            }));
            Assert.Equal(2, GgufReader.ReadFile(path).Metadata["v"].Get<int>());
            Assert.Equal(["m.gguf"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
