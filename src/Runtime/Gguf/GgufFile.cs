namespace Llm.Runtime.Gguf;

/// <summary>The header of a GGUF file as read by <see cref="GgufReader"/>: metadata and tensor infos, no tensor data.</summary>
public sealed class GgufFile
{
    internal GgufFile(uint version, IReadOnlyDictionary<string, GgufValue> metadata, IReadOnlyList<string> metadataKeys,
        IReadOnlyList<GgufTensorInfo> tensors, uint alignment, long dataOffset)
    {
        Version = version;
        Metadata = metadata;
        MetadataKeys = metadataKeys;
        Tensors = tensors;
        Alignment = alignment;
        DataOffset = dataOffset;
    }

    public uint Version { get; }

    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    /// <summary>Metadata keys in file order (the dictionary does not promise an order).</summary>
    public IReadOnlyList<string> MetadataKeys { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>The effective alignment: <c>general.alignment</c> when present, else 32.</summary>
    public uint Alignment { get; }

    /// <summary>Absolute file offset of the tensor data section; tensor offsets are relative to it.</summary>
    public long DataOffset { get; }

    /// <summary><c>general.architecture</c>, e.g. "llama", or null when absent.</summary>
    public string? Architecture => GetString("general.architecture");

    public string? GetString(string key) => Metadata.TryGetValue(key, out var v) && v.Value is string s ? s : null;

    /// <summary>An integer-typed metadata value of any width, or null when absent or not an integer.</summary>
    public long? GetInteger(string key)
    {
        if (!Metadata.TryGetValue(key, out var v))
            return null;
        try
        {
            return v.ToInt64();
        }
        catch (InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>Reads the raw bytes of one tensor from a seekable stream over the same file.</summary>
    public byte[] ReadTensorBytes(Stream stream, GgufTensorInfo tensor)
    {
        var size = tensor.ByteSize ?? throw new NotSupportedException($"Size of tensor type {tensor.Type} is unknown.");
        var bytes = new byte[checked((int)size)];
        stream.Position = DataOffset + tensor.Offset;
        stream.ReadExactly(bytes);
        return bytes;
    }
}
