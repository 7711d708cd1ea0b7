namespace Llm.Runtime.Gguf;

/// <summary>
/// A tensor's entry in a GGUF header. <see cref="Shape"/> is in ggml order: Shape[0] is the contiguous
/// (innermost) dimension, so a weight matrix [n_embd, n_vocab] stores n_vocab rows of n_embd values.
/// <see cref="Offset"/> is relative to the start of the tensor data section.
/// </summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Shape, GgufTensorType Type, long Offset)
{
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape)
                n = checked(n * d);
            return n;
        }
    }

    /// <summary>Bytes of tensor data, or null when the type is one <see cref="GgufTensorTypeSizes"/> does not know.</summary>
    public long? ByteSize => GgufTensorTypeSizes.ByteSize(Type, ElementCount);
}
