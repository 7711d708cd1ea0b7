namespace Llm.Runtime.Gguf;

/// <summary>
/// Block geometry of ggml tensor types (elements per block, bytes per block), so that tensor byte sizes
/// can be computed from infos alone, e.g. to plan how many layers fit on a GPU.
/// </summary>
public static class GgufTensorTypeSizes
{
    /// <summary>Returns (elements per block, bytes per block), or false for a type id this table does not know.</summary>
    public static bool TryGetBlock(GgufTensorType type, out int blockElements, out int blockBytes)
    {
        (blockElements, blockBytes) = type switch
        {
            GgufTensorType.F32 => (1, 4),
            GgufTensorType.F16 => (1, 2),
            GgufTensorType.BF16 => (1, 2),
            GgufTensorType.F64 => (1, 8),
            GgufTensorType.I8 => (1, 1),
            GgufTensorType.I16 => (1, 2),
            GgufTensorType.I32 => (1, 4),
            GgufTensorType.I64 => (1, 8),
            GgufTensorType.Q4_0 => (32, 18),
            GgufTensorType.Q4_1 => (32, 20),
            GgufTensorType.Q5_0 => (32, 22),
            GgufTensorType.Q5_1 => (32, 24),
            GgufTensorType.Q8_0 => (32, 34),
            GgufTensorType.Q8_1 => (32, 36),
            GgufTensorType.IQ4_NL => (32, 18),
            GgufTensorType.MXFP4 => (32, 17),
            GgufTensorType.Q2_K => (256, 84),
            GgufTensorType.Q3_K => (256, 110),
            GgufTensorType.Q4_K => (256, 144),
            GgufTensorType.Q5_K => (256, 176),
            GgufTensorType.Q6_K => (256, 210),
            GgufTensorType.Q8_K => (256, 292),
            GgufTensorType.IQ2_XXS => (256, 66),
            GgufTensorType.IQ2_XS => (256, 74),
            GgufTensorType.IQ2_S => (256, 82),
            GgufTensorType.IQ3_XXS => (256, 98),
            GgufTensorType.IQ3_S => (256, 110),
            GgufTensorType.IQ1_S => (256, 50),
            GgufTensorType.IQ1_M => (256, 56),
            GgufTensorType.IQ4_XS => (256, 136),
            GgufTensorType.TQ1_0 => (256, 54),
            GgufTensorType.TQ2_0 => (256, 66),
            _ => (0, 0),
        };
        return blockElements != 0;
    }

    /// <summary>Bytes taken by <paramref name="elementCount"/> elements, or null for an unknown type.</summary>
    /// <exception cref="InvalidDataException">The count is not a whole number of blocks.</exception>
    public static long? ByteSize(GgufTensorType type, long elementCount)
    {
        if (!TryGetBlock(type, out var blockElements, out var blockBytes))
            return null;
        if (elementCount % blockElements != 0)
            throw new InvalidDataException($"{elementCount} elements is not a whole number of {type} blocks of {blockElements}.");
        return elementCount / blockElements * blockBytes;
    }
}
