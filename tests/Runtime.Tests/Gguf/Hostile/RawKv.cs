namespace Llm.Runtime.Tests.Gguf.Hostile;

/// <summary>One metadata entry: key, type tag and the bytes after the tag.</summary>
internal sealed record RawKv(string Key, uint Type, byte[] Payload);
