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
            throw new InvalidDataException($"not a GGUF file (magic 0x{magic:X8}).");
        var version = r.U32();
        // v1 used 32-bit counts and is long extinct; v2 and v3 share the layout (v3 only adds big-endian files).
        if (version is not (2 or 3))
            throw new InvalidDataException($"unsupported GGUF version {version}.");
        // Counts are checked against hard limits before the bytes left: a sparse file can be terabytes of zeros.
        var tensorCount = Limit(r.U64(), GgufLimits.MaxTensors, "tensor_count");
        tensorCount = r.Count((ulong)tensorCount, 24, "tensor_count");
        var metadataCount = Limit(r.U64(), GgufLimits.MaxMetadataEntries, "kv_count");
        metadataCount = r.Count((ulong)metadataCount, 12, "kv_count");

        var metadata = new Dictionary<string, GgufValue>(metadataCount, StringComparer.Ordinal);
        var keys = new List<string>(metadataCount);
        for (var i = 0; i < metadataCount; i++)
        {
            var key = r.String();
            if (key.Length == 0)
                throw new InvalidDataException($"metadata key #{i} is empty.");
            GgufValue value;
            try
            {
                value = ReadValue(r, (GgufValueType)r.U32());
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"key '{key}': {e.Message}", e);
            }
            if (!metadata.TryAdd(key, value))
                throw new InvalidDataException($"key '{key}' appears twice.");
            keys.Add(key);
        }

        var tensors = new List<GgufTensorInfo>(tensorCount);
        for (var i = 0; i < tensorCount; i++)
            tensors.Add(ReadTensorInfo(r, i));

        var alignment = GgufFormat.DefaultAlignment;
        if (metadata.TryGetValue(GgufFormat.AlignmentKey, out var a))
        {
            alignment = a.Value is uint u && GgufFormat.IsValidAlignment(u)
                ? u
                : throw new InvalidDataException($"key '{GgufFormat.AlignmentKey}' is {a} ({a.Type}), expected a power-of-two UINT32.");
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
                throw new InvalidDataException($"tensor '{t.Name}' has offset {t.Offset}, not a multiple of {alignment}.");
            long? size;
            try
            {
                size = t.ByteSize;
            }
            catch (Exception e) when (e is InvalidDataException or OverflowException)
            {
                throw new InvalidDataException($"tensor '{t.Name}' has an invalid shape for {t.Type}.", e);
            }
            if (size is { } s && length is { } && dataOffset + t.Offset + s > length)
                throw new InvalidDataException($"tensor '{t.Name}' ends past the end of the file ({length} bytes); the file is truncated.");
        }
    }

    private static int Limit(ulong count, int limit, string field) =>
        count <= (ulong)limit ? (int)count : throw new InvalidDataException($"{field} {count} exceeds the limit of {limit}.");

    private static GgufTensorInfo ReadTensorInfo(GgufStreamReader r, int index)
    {
        var name = r.String();
        if (name.Length == 0)
            throw new InvalidDataException($"tensor #{index} has an empty name.");
        var dimensionCount = r.U32();
        if (dimensionCount is 0 or > GgufFormat.MaxDimensions)
            throw new InvalidDataException($"tensor '{name}' has {dimensionCount} dimensions (1 to {GgufFormat.MaxDimensions}).");
        var shape = new long[dimensionCount];
        for (var d = 0; d < shape.Length; d++)
            shape[d] = Signed(r.U64(), name);
        var type = (GgufTensorType)r.U32();
        var offset = Signed(r.U64(), name);
        return new GgufTensorInfo(name, shape, type, offset);
    }

    private static long Signed(ulong value, string tensor) =>
        value <= long.MaxValue ? (long)value : throw new InvalidDataException($"tensor '{tensor}' has an out-of-range size or offset.");

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
        GgufValueType.Array => ReadArray(r, 1),
        _ => throw new InvalidDataException($"unknown GGUF value type {(uint)type} at offset {r.Position - 4}."),
    };

    // Depth-limited rather than unbounded: a file of arrays nested a million deep must not overflow the stack.
    private static GgufValue ReadArray(GgufStreamReader r, int depth)
    {
        if (depth > GgufLimits.MaxArrayDepth)
            throw new InvalidDataException($"arrays are nested more than {GgufLimits.MaxArrayDepth} deep at offset {r.Position}.");
        var elementType = (GgufValueType)r.U32();
        var raw = r.U64();
        System.Array items = elementType switch
        {
            GgufValueType.UInt8 => Fill(r.Count(raw, 1, "array length"), r.U8),
            GgufValueType.Int8 => Fill(r.Count(raw, 1, "array length"), r.I8),
            GgufValueType.UInt16 => Fill(r.Count(raw, 2, "array length"), r.U16),
            GgufValueType.Int16 => Fill(r.Count(raw, 2, "array length"), r.I16),
            GgufValueType.UInt32 => Fill(r.Count(raw, 4, "array length"), r.U32),
            GgufValueType.Int32 => Fill(r.Count(raw, 4, "array length"), r.I32),
            GgufValueType.Float32 => Fill(r.Count(raw, 4, "array length"), r.F32),
            GgufValueType.Bool => Fill(r.Count(raw, 1, "array length"), r.Bool),
            GgufValueType.String => Fill(r.Count(raw, 8, "array length"), r.String),
            GgufValueType.UInt64 => Fill(r.Count(raw, 8, "array length"), r.U64),
            GgufValueType.Int64 => Fill(r.Count(raw, 8, "array length"), r.I64),
            GgufValueType.Float64 => Fill(r.Count(raw, 8, "array length"), r.F64),
            GgufValueType.Array => Fill(r.Count(raw, 12, "array length"), () => ReadArray(r, depth + 1)),
            _ => throw new InvalidDataException($"unknown GGUF array element type {(uint)elementType}."),
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
