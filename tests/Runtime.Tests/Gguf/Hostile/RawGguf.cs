using System.Text;
using Llm.Runtime.Gguf;

namespace Llm.Runtime.Tests.Gguf.Hostile;

/// <summary>
/// A GGUF file as editable parts (counts, raw key/value entries, raw tensor infos, data), so tests can write files that
/// <see cref="GgufWriter"/> refuses to: wrong types, impossible counts, overlapping offsets, truncations.
/// </summary>
internal sealed class RawGguf
{
    public uint Version { get; set; } = 3;
    public ulong? TensorCountOverride { get; set; }
    public ulong? KvCountOverride { get; set; }
    public List<RawKv> Kvs { get; } = [];
    /// <summary>Bytes written as the first metadata entry, counted as one: for entries no key string can express.</summary>
    public byte[] LeadingKvBytes { get; set; } = [];
    public List<RawTensor> Tensors { get; } = [];
    public byte[] Data { get; set; } = [];
    public uint Alignment { get; set; } = 32;
    /// <summary>Cuts the written file to this many bytes.</summary>
    public long? TruncateAt { get; set; }
    /// <summary>Extends the written file (sparsely) to this many bytes.</summary>
    public long? SparseLength { get; set; }

    /// <summary>Splits a valid file into parts.</summary>
    public static RawGguf From(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var file = GgufReader.Read(stream);
        var raw = new RawGguf { Version = file.Version, Alignment = file.Alignment, Data = bytes[(int)file.DataOffset..] };
        foreach (var key in file.MetadataKeys) raw.Set(key, file.Metadata[key]);
        foreach (var t in file.Tensors) raw.Tensors.Add(new RawTensor(t.Name, t.Shape.Select(d => (ulong)d).ToArray(), (uint)t.Type, (ulong)t.Offset));
        return raw;
    }

    public RawGguf Set(string key, GgufValue value) => SetRaw(key, (uint)value.Type, Encode(value));

    public RawGguf SetRaw(string key, uint type, byte[] payload)
    {
        var at = Kvs.FindIndex(k => k.Key == key);
        if (at >= 0) Kvs[at] = new RawKv(key, type, payload);
        else Kvs.Add(new RawKv(key, type, payload));
        return this;
    }

    public RawGguf Remove(string key)
    {
        Kvs.RemoveAll(k => k.Key == key);
        return this;
    }

    public RawTensor Tensor(string name) => Tensors.Single(t => t.Name == name);

    public void Replace(string name, Func<RawTensor, RawTensor> change)
    {
        var at = Tensors.FindIndex(t => t.Name == name);
        Tensors[at] = change(Tensors[at]);
    }

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(0x46554747u);
            w.Write(Version);
            w.Write(TensorCountOverride ?? (ulong)Tensors.Count);
            w.Write(KvCountOverride ?? (ulong)(Kvs.Count + (LeadingKvBytes.Length > 0 ? 1 : 0)));
            w.Write(LeadingKvBytes);
            foreach (var kv in Kvs)
            {
                WriteString(w, kv.Key);
                w.Write(kv.Type);
                w.Write(kv.Payload);
            }
            foreach (var t in Tensors)
            {
                WriteString(w, t.Name);
                w.Write((uint)t.Dims.Length);
                foreach (var d in t.Dims) w.Write(d);
                w.Write(t.Type);
                w.Write(t.Offset);
            }
            w.Flush();
            while (stream.Length % Alignment != 0) w.Write((byte)0);
            w.Write(Data);
        }
        var bytes = stream.ToArray();
        return TruncateAt is { } cut ? bytes[..(int)Math.Min(cut, bytes.Length)] : bytes;
    }

    public void WriteFile(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        if (SparseLength is { } length)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.SetLength(length);
        }
    }

    /// <summary>The bytes of a value after its type tag, as GGUF stores them.</summary>
    public static byte[] Encode(GgufValue value)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        WriteValue(w, value.Value, value.ElementType);
        w.Flush();
        return stream.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] U32(uint v) => BitConverter.GetBytes(v);

    public static byte[] U64(ulong v) => BitConverter.GetBytes(v);

    private static void WriteValue(BinaryWriter w, object value, GgufValueType? elementType)
    {
        switch (value)
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
            case Array items:
                w.Write((uint)elementType!.Value);
                w.Write((ulong)items.Length);
                foreach (var item in items)
                {
                    if (item is GgufValue nested) WriteValue(w, nested.Value, nested.ElementType);
                    else WriteValue(w, item!, null);
                }
                break;
            default: throw new InvalidOperationException(value.GetType().Name);
        }
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
