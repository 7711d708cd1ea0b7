namespace Llm.Runtime.Gguf;

/// <summary>Reads the header of a GGUF v2/v3 file: all metadata (typed) and the tensor infos; tensor data is not read.</summary>
public static class GgufReader
{
    public static GgufFile ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream);
    }

    /// <exception cref="InvalidDataException">The stream is not a GGUF file this reader understands.</exception>
    public static GgufFile Read(Stream stream)
    {
        var r = new GgufStreamReader(stream);
        var magic = r.U32();
        if (magic != GgufFormat.Magic)
            throw new InvalidDataException($"Not a GGUF file (magic 0x{magic:X8}).");
        var version = r.U32();
        // v1 used 32-bit counts and is long extinct; v2 and v3 share the layout (v3 only adds big-endian files).
        if (version is not (2 or 3))
            throw new InvalidDataException($"Unsupported GGUF version {version}.");
        var tensorCount = r.Count(r.U64(), 24);
        var metadataCount = r.Count(r.U64(), 12);

        var metadata = new Dictionary<string, GgufValue>(metadataCount, StringComparer.Ordinal);
        var keys = new List<string>(metadataCount);
        for (var i = 0; i < metadataCount; i++)
        {
            var key = r.String();
            var value = ReadValue(r, (GgufValueType)r.U32());
            if (!metadata.TryAdd(key, value))
                throw new InvalidDataException($"Duplicate GGUF metadata key '{key}'.");
            keys.Add(key);
        }

        var tensors = new List<GgufTensorInfo>(tensorCount);
        for (var i = 0; i < tensorCount; i++)
            tensors.Add(ReadTensorInfo(r));

        var alignment = GgufFormat.DefaultAlignment;
        if (metadata.TryGetValue(GgufFormat.AlignmentKey, out var a))
        {
            alignment = a.Value is uint u && GgufFormat.IsValidAlignment(u)
                ? u
                : throw new InvalidDataException($"Invalid {GgufFormat.AlignmentKey} {a} ({a.Type}).");
        }
        var dataOffset = GgufFormat.Align(r.Position, alignment);
        CheckTensors(stream.CanSeek ? stream.Length : null, alignment, dataOffset, tensors);
        return new GgufFile(version, metadata, keys, tensors, alignment, dataOffset);
    }

    /// <summary>Catches corrupt or truncated downloads here rather than as a native load failure later.</summary>
    private static void CheckTensors(long? length, uint alignment, long dataOffset, List<GgufTensorInfo> tensors)
    {
        foreach (var t in tensors)
        {
            if (t.Offset % alignment != 0)
                throw new InvalidDataException($"Tensor '{t.Name}' has offset {t.Offset}, not a multiple of {alignment}.");
            long? size;
            try
            {
                size = t.ByteSize;
            }
            catch (Exception e) when (e is InvalidDataException or OverflowException)
            {
                throw new InvalidDataException($"Tensor '{t.Name}' has an invalid shape for {t.Type}.", e);
            }
            if (size is { } s && length is { } && dataOffset + t.Offset + s > length)
                throw new InvalidDataException($"Tensor '{t.Name}' ends past the end of the file ({length} bytes); the file is truncated.");
        }
    }

    private static GgufTensorInfo ReadTensorInfo(GgufStreamReader r)
    {
        var name = r.String();
        var dimensionCount = r.U32();
        if (dimensionCount is 0 or > GgufFormat.MaxDimensions)
            throw new InvalidDataException($"Tensor '{name}' has {dimensionCount} dimensions.");
        var shape = new long[dimensionCount];
        for (var d = 0; d < shape.Length; d++)
            shape[d] = Signed(r.U64(), name);
        var type = (GgufTensorType)r.U32();
        var offset = Signed(r.U64(), name);
        return new GgufTensorInfo(name, shape, type, offset);
    }

    private static long Signed(ulong value, string tensor) =>
        value <= long.MaxValue ? (long)value : throw new InvalidDataException($"Tensor '{tensor}' has an out-of-range size or offset.");

    private static GgufValue ReadValue(GgufStreamReader r, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => GgufValue.UInt8(r.U8()),
        GgufValueType.Int8 => GgufValue.Int8(r.I8()),
        GgufValueType.UInt16 => GgufValue.UInt16(r.U16()),
        GgufValueType.Int16 => GgufValue.Int16(r.I16()),
        GgufValueType.UInt32 => GgufValue.UInt32(r.U32()),
        GgufValueType.Int32 => GgufValue.Int32(r.I32()),
        GgufValueType.Float32 => GgufValue.Float32(r.F32()),
        GgufValueType.Bool => GgufValue.Bool(r.Bool()),
        GgufValueType.String => GgufValue.String(r.String()),
        GgufValueType.UInt64 => GgufValue.UInt64(r.U64()),
        GgufValueType.Int64 => GgufValue.Int64(r.I64()),
        GgufValueType.Float64 => GgufValue.Float64(r.F64()),
        GgufValueType.Array => ReadArray(r),
        _ => throw new InvalidDataException($"Unknown GGUF value type {(uint)type} at offset {r.Position - 4}."),
    };

    private static GgufValue ReadArray(GgufStreamReader r)
    {
        var elementType = (GgufValueType)r.U32();
        var raw = r.U64();
        System.Array items = elementType switch
        {
            GgufValueType.UInt8 => Fill(r.Count(raw, 1), r.U8),
            GgufValueType.Int8 => Fill(r.Count(raw, 1), r.I8),
            GgufValueType.UInt16 => Fill(r.Count(raw, 2), r.U16),
            GgufValueType.Int16 => Fill(r.Count(raw, 2), r.I16),
            GgufValueType.UInt32 => Fill(r.Count(raw, 4), r.U32),
            GgufValueType.Int32 => Fill(r.Count(raw, 4), r.I32),
            GgufValueType.Float32 => Fill(r.Count(raw, 4), r.F32),
            GgufValueType.Bool => Fill(r.Count(raw, 1), r.Bool),
            GgufValueType.String => Fill(r.Count(raw, 8), r.String),
            GgufValueType.UInt64 => Fill(r.Count(raw, 8), r.U64),
            GgufValueType.Int64 => Fill(r.Count(raw, 8), r.I64),
            GgufValueType.Float64 => Fill(r.Count(raw, 8), r.F64),
            GgufValueType.Array => Fill(r.Count(raw, 12), () => ReadArray(r)),
            _ => throw new InvalidDataException($"Unknown GGUF array element type {(uint)elementType}."),
        };
        return GgufValue.WrapArray(elementType, items);
    }

    private static T[] Fill<T>(int count, Func<T> read)
    {
        var items = new T[count];
        for (var i = 0; i < items.Length; i++)
            items[i] = read();
        return items;
    }
}
