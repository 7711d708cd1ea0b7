namespace Llm.Runtime.Gguf;

/// <summary>Constants of the GGUF container shared by the reader and the writer.</summary>
internal static class GgufFormat
{
    /// <summary>"GGUF" read as a little-endian uint32.</summary>
    public const uint Magic = 0x46554747;
    public const uint Version = 3;
    public const uint DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";

    /// <summary>ggml's GGML_MAX_DIMS and GGML_MAX_NAME (which includes the terminating NUL).</summary>
    public const int MaxDimensions = 4;
    public const int MaxNameBytes = 63;

    public static long Align(long offset, uint alignment) => (offset + alignment - 1) / alignment * alignment;

    public static bool IsValidAlignment(uint alignment) => alignment != 0 && (alignment & (alignment - 1)) == 0;
}
