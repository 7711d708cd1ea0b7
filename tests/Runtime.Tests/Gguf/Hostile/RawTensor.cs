namespace Llm.Runtime.Tests.Gguf.Hostile;

/// <summary>One tensor info as stored: dimensions in ggml order, type id, offset in the data section.</summary>
internal sealed record RawTensor(string Name, ulong[] Dims, uint Type, ulong Offset);
