using System.Collections.Frozen;

namespace Llm.Runtime.Models;

/// <summary>
/// Tells models that can only embed (encoders without a language-model head, such as BERT) from models that
/// generate. llama.cpp loads both alike, but an encoder's graph ends at the hidden states: a generation context
/// over one samples from logits nothing computed, so its "completions" are noise, not an error.
/// </summary>
internal static class EmbeddingOnlyModels
{
    // llama.cpp's encoder-only architectures (general.architecture values from its llama-arch.cpp).
    private static readonly FrozenSet<string> s_encoders = FrozenSet.ToFrozenSet(
        ["bert", "nomic-bert", "nomic-bert-moe", "neo-bert", "jina-bert-v2", "jina-bert-v3", "modern-bert", "t5encoder"], StringComparer.Ordinal);

    /// <summary>
    /// Returns whether a model only embeds: its architecture is a known encoder, or its GGUF declares
    /// bidirectional attention (<c>ARCH.attention.causal</c> false), which no text generator has.
    /// </summary>
    /// <param name="architecture"><c>general.architecture</c>.</param>
    /// <param name="metadata">The GGUF metadata as llama.cpp prints it (booleans as <c>true</c>/<c>false</c>).</param>
    public static bool IsEmbeddingOnly(string architecture, IReadOnlyDictionary<string, string> metadata)
        => s_encoders.Contains(architecture)
           || string.Equals(metadata.GetValueOrDefault($"{architecture}.attention.causal")?.Trim(), "false", StringComparison.OrdinalIgnoreCase);
}
