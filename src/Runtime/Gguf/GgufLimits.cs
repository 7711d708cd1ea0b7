namespace Llm.Runtime.Gguf;

/// <summary>
/// Bounds the reader and the validator put on a GGUF file before they allocate anything for it. Real models stay
/// far below them (a 262,144-token vocabulary with its merges is about 20 MiB of header; the largest models have a
/// few thousand tensors); a sparse or hand-made file that claims more is refused with the limit's name.
/// </summary>
public static class GgufLimits
{
    /// <summary>Most bytes of metadata and tensor infos read before the data section (128 MiB).</summary>
    public const long MaxHeaderBytes = 128L << 20;

    /// <summary>Most metadata entries (<c>kv_count</c>).</summary>
    public const int MaxMetadataEntries = 65_536;

    /// <summary>Most tensors (<c>tensor_count</c>).</summary>
    public const int MaxTensors = 65_536;

    /// <summary>Most levels of arrays inside arrays the reader follows (llama.cpp itself reads none).</summary>
    public const int MaxArrayDepth = 8;

    /// <summary>llama.cpp's LLAMA_MAX_LAYERS: <c>block_count</c> above it aborts the process.</summary>
    public const int MaxBlocks = 512;

    /// <summary>llama.cpp's LLAMA_MAX_EXPERTS: <c>expert_count</c> above it aborts the process.</summary>
    public const int MaxExperts = 512;
}
