using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;

namespace Llm.Runtime.Gguf;

/// <summary>
/// Builds a GGUF v3 file in memory (metadata in insertion order, then tensors) and writes it to a stream.
/// Tensor data is padded to <see cref="Alignment"/>, which is <c>general.alignment</c> when that key is set
/// (it must be a power-of-two uint32, as llama.cpp requires) and 32 otherwise.
/// </summary>
public sealed class GgufWriter
{
    private readonly List<string> _keys = [];
    private readonly Dictionary<string, GgufValue> _metadata = new(StringComparer.Ordinal);
    private readonly List<(string Name, long[] Shape, GgufTensorType Type, byte[] Data)> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    public uint Alignment => _metadata.TryGetValue(GgufFormat.AlignmentKey, out var v) ? v.Get<uint>() : GgufFormat.DefaultAlignment;

    /// <summary>Adds a metadata entry, or replaces the value of an existing key in place.</summary>
    public GgufWriter Set(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key == GgufFormat.AlignmentKey && !(value.Value is uint a && GgufFormat.IsValidAlignment(a)))
            throw new ArgumentException($"{GgufFormat.AlignmentKey} must be a power-of-two uint32.", nameof(value));
        if (_metadata.TryAdd(key, value))
            _keys.Add(key);
        else
            _metadata[key] = value;
        return this;
    }

    /// <summary>
    /// Adds a float tensor stored as F32 or F16 (converted here). <paramref name="shape"/> is in ggml order,
    /// innermost dimension first: a [rows x columns] row-major matrix has shape (columns, rows).
    /// </summary>
    public GgufWriter AddTensor(string name, GgufTensorType type, ReadOnlySpan<float> values, params ReadOnlySpan<long> shape)
    {
        byte[] data;
        if (type == GgufTensorType.F32)
        {
            data = MemoryMarshal.AsBytes(values).ToArray();
        }
        else if (type == GgufTensorType.F16)
        {
            var halves = new Half[values.Length];
            TensorPrimitives.ConvertToHalf(values, halves);
            data = MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
        }
        else
        {
            throw new ArgumentException($"Only F32 and F16 can be converted from floats, not {type}.", nameof(type));
        }
        return AddTensorBytes(name, type, data, shape);
    }

    /// <summary>Adds a tensor from already encoded bytes of any type whose block size is known.</summary>
    public GgufWriter AddTensorBytes(string name, GgufTensorType type, ReadOnlySpan<byte> data, params ReadOnlySpan<long> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Encoding.UTF8.GetByteCount(name) > GgufFormat.MaxNameBytes)
            throw new ArgumentException($"Tensor name '{name}' is longer than {GgufFormat.MaxNameBytes} bytes.", nameof(name));
        if (shape.Length is 0 or > GgufFormat.MaxDimensions)
            throw new ArgumentException($"A tensor has 1 to {GgufFormat.MaxDimensions} dimensions.", nameof(shape));
        var info = new GgufTensorInfo(name, shape.ToArray(), type, 0);
        foreach (var d in shape)
            if (d <= 0)
                throw new ArgumentException($"Tensor '{name}' has a non-positive dimension.", nameof(shape));
        var expected = info.ByteSize ?? throw new ArgumentException($"Unknown tensor type {type}.", nameof(type));
        if (expected != data.Length)
            throw new ArgumentException($"Tensor '{name}' needs {expected} bytes, got {data.Length}.", nameof(data));
        if (!_tensorNames.Add(name))
            throw new ArgumentException($"Duplicate tensor '{name}'.", nameof(name));
        _tensors.Add((name, shape.ToArray(), type, data.ToArray()));
        return this;
    }

    public void WriteTo(Stream stream)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Tensor data is copied as host-endian bytes; only little-endian hosts write GGUF here.");
        var alignment = Alignment;
        // BinaryWriter is little-endian on every platform, which GGUF requires for the header.
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(GgufFormat.Magic);
        w.Write(GgufFormat.Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_keys.Count);
        foreach (var key in _keys)
        {
            WriteString(w, key);
            w.Write((uint)_metadata[key].Type);
            WriteValue(w, _metadata[key]);
        }

        long offset = 0;
        foreach (var t in _tensors)
        {
            WriteString(w, t.Name);
            w.Write((uint)t.Shape.Length);
            foreach (var d in t.Shape)
                w.Write((ulong)d);
            w.Write((uint)t.Type);
            w.Write((ulong)offset);
            offset = GgufFormat.Align(offset + t.Data.Length, alignment);
        }

        // The data section starts aligned relative to the file start; positions are counted, not asked
        // of the stream, so non-seekable streams work.
        w.Flush();
        var position = HeaderSize();
        Pad(w, position, alignment);
        foreach (var t in _tensors)
        {
            w.Write(t.Data);
            Pad(w, t.Data.Length, alignment);
        }
        w.Flush();
    }

    /// <summary>Writes the file atomically (temp file + rename), so a crash never leaves a partial model.</summary>
    public void WriteFile(string path) => AtomicFile.Write(path, WriteTo);

    private long HeaderSize()
    {
        long size = 4 + 4 + 8 + 8;
        foreach (var key in _keys)
            size += StringSize(key) + 4 + ValueSize(_metadata[key]);
        foreach (var t in _tensors)
            size += StringSize(t.Name) + 4 + 8L * t.Shape.Length + 4 + 8;
        return size;
    }

    private static void Pad(BinaryWriter w, long written, uint alignment)
    {
        var padding = GgufFormat.Align(written, alignment) - written;
        for (var i = 0; i < padding; i++)
            w.Write((byte)0);
    }

    private static long StringSize(string s) => 8 + Encoding.UTF8.GetByteCount(s);

    private static long ValueSize(GgufValue v) => v.Value switch
    {
        string s => StringSize(s),
        string[] strings => 12 + strings.Sum(StringSize),
        GgufValue[] nested => 12 + nested.Sum(ValueSize),
        System.Array a => 12 + (long)a.Length * ScalarSize(v.ElementType!.Value),
        _ => ScalarSize(v.Type),
    };

    private static int ScalarSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a fixed-size GGUF type."),
    };

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValue v)
    {
        switch (v.Value)
        {
            case byte x: w.Write(x); break;
            case sbyte x: w.Write(x); break;
            case ushort x: w.Write(x); break;
            case short x: w.Write(x); break;
            case uint x: w.Write(x); break;
            case int x: w.Write(x); break;
            case float x: w.Write(x); break;
            case bool x: w.Write(x); break;
            case string x: WriteString(w, x); break;
            case ulong x: w.Write(x); break;
            case long x: w.Write(x); break;
            case double x: w.Write(x); break;
            case System.Array items: WriteArray(w, v.ElementType!.Value, items); break;
            default: throw new InvalidOperationException($"Cannot write a {v.Value.GetType().Name}.");
        }
    }

    private static void WriteArray(BinaryWriter w, GgufValueType elementType, System.Array items)
    {
        w.Write((uint)elementType);
        w.Write((ulong)items.Length);
        switch (items)
        {
            case string[] strings:
                foreach (var s in strings)
                    WriteString(w, s);
                break;
            case GgufValue[] nested:
                foreach (var n in nested)
                    WriteArray(w, n.ElementType!.Value, (System.Array)n.Value);
                break;
            case bool[] bools:
                foreach (var b in bools)
                    w.Write(b);
                break;
            default:
                // Scalar arrays are blittable; copy them as bytes instead of one call per element.
                w.Write(ScalarBytes(items));
                break;
        }
    }

    private static ReadOnlySpan<byte> ScalarBytes(System.Array items) => items switch
    {
        byte[] a => a,
        sbyte[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        ushort[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        short[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        uint[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        ulong[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        long[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        double[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        _ => throw new InvalidOperationException($"Cannot write an array of {items.GetType().GetElementType()?.Name}."),
    };
}
