namespace Llm.Runtime.Gguf;

/// <summary>
/// Metadata types llama.cpp reads without checking (it asserts or reinterprets bytes), and general keys every model needs.
/// </summary>
internal static class GgufMetadataRules
{
    /// <summary>Keys whose scalar type llama.cpp requires exactly; a file that differs is refused before llama.cpp asserts.</summary>
    private static readonly Dictionary<string, GgufValueType> s_generalTypes = new(StringComparer.Ordinal)
    {
        ["general.architecture"] = GgufValueType.String,
        ["general.alignment"] = GgufValueType.UInt32,
        ["general.file_type"] = GgufValueType.UInt32,
        ["general.name"] = GgufValueType.String,
        ["split.count"] = GgufValueType.UInt16,
        ["split.no"] = GgufValueType.UInt16,
    };

    public static void Check(GgufFile file)
    {
        foreach (var key in file.MetadataKeys)
        {
            var value = file.Metadata[key];
            if (value.Type == GgufValueType.Array && value.ElementType == GgufValueType.Array)
                throw GgufValidator.Refuse($"key '{key}' is an array of arrays, which llama.cpp cannot read.");
            if (s_generalTypes.TryGetValue(key, out var expected))
                ExpectType(file, key, expected);
        }
        if (!file.Metadata.ContainsKey("general.architecture"))
            throw GgufValidator.Refuse("key 'general.architecture' is missing.");
        if (file.Architecture is not { Length: > 0 } arch || arch.Any(c => char.IsControl(c) || c == '.'))
            throw GgufValidator.Refuse($"key 'general.architecture' is not a valid architecture name.");
        if (file.Metadata.TryGetValue("split.count", out var split) && split.Value is ushort count && count > 1)
            throw GgufValidator.Refuse($"key 'split.count' is {count}: split models are not served; merge them into one file first.");
    }

    /// <summary>Refuses a present key of another type; returns whether the key is present.</summary>
    public static bool ExpectType(GgufFile file, string key, GgufValueType expected)
    {
        if (!file.Metadata.TryGetValue(key, out var value))
            return false;
        if (value.Type != expected)
            throw GgufValidator.Refuse($"key '{key}' is {Describe(value)}, expected {Name(expected)}.");
        return true;
    }

    /// <summary>Refuses a present key that is not an array of one of the element types; returns the array or null.</summary>
    public static GgufValue? ExpectArray(GgufFile file, string key, params GgufValueType[] elementTypes)
    {
        if (!file.Metadata.TryGetValue(key, out var value))
            return null;
        if (value.Type != GgufValueType.Array || !elementTypes.Contains(value.ElementType!.Value))
            throw GgufValidator.Refuse($"key '{key}' is {Describe(value)}, expected an array of {string.Join(" or ", elementTypes.Select(Name))}.");
        return value;
    }

    public static string Describe(GgufValue value) =>
        value.Type == GgufValueType.Array ? $"an array of {Name(value.ElementType!.Value)}" : Name(value.Type);

    public static string Name(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => "UINT8",
        GgufValueType.Int8 => "INT8",
        GgufValueType.UInt16 => "UINT16",
        GgufValueType.Int16 => "INT16",
        GgufValueType.UInt32 => "UINT32",
        GgufValueType.Int32 => "INT32",
        GgufValueType.Float32 => "FLOAT32",
        GgufValueType.Bool => "BOOL",
        GgufValueType.String => "STRING",
        GgufValueType.Array => "ARRAY",
        GgufValueType.UInt64 => "UINT64",
        GgufValueType.Int64 => "INT64",
        GgufValueType.Float64 => "FLOAT64",
        _ => $"type {(uint)type}",
    };
}
