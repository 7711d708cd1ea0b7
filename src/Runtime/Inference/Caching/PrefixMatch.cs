namespace Llm.Runtime.Inference.Caching;

/// <summary>The longest resident prefix of a prompt: its length and a slot holding all of it.</summary>
/// <param name="Length">Matched tokens; 0 when nothing matched.</param>
/// <param name="Holder">The slot to copy from: among those holding the prefix, the one that has decoded most of it.</param>
internal readonly record struct PrefixMatch(int Length, KvSlot? Holder);
