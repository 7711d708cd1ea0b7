namespace Llm.Runtime.Gguf;

/// <summary>The hyper-parameters of a model as llama.cpp derives them, once they have been checked.</summary>
/// <param name="Architecture">The <c>general.architecture</c> value.</param>
/// <param name="Embedding">n_embd.</param>
/// <param name="Blocks">n_layer.</param>
/// <param name="Heads">Attention heads per layer.</param>
/// <param name="KvHeads">Key/value heads per layer.</param>
/// <param name="FeedForward">Feed-forward width per layer.</param>
/// <param name="HeadKeyLength">n_embd_head_k (0 without attention).</param>
/// <param name="HeadValueLength">n_embd_head_v (0 without attention).</param>
/// <param name="Experts">n_expert (0 for dense models).</param>
/// <param name="Vocabulary">Tokens in <c>tokenizer.ggml.tokens</c> (0 when absent).</param>
internal sealed record GgufModelShape(string Architecture, long Embedding, int Blocks, long[] Heads, long[] KvHeads, long[] FeedForward,
    long HeadKeyLength, long HeadValueLength, long Experts, long Vocabulary);
