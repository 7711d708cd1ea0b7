namespace Llm.Runtime.Gguf.RandomWeights;

/// <summary>The model families <see cref="RandomModelBuilder"/> writes, each laid out as llama.cpp loads it.</summary>
public enum RandomModelArchitecture
{
    /// <summary><c>llama</c> (Llama 2/3.x): separate q/k/v, SwiGLU FFN, output tied to <c>token_embd</c>.</summary>
    Llama,

    /// <summary><c>qwen3</c>: the llama layout plus per-head RMS norms of q and k (<c>attn_q_norm</c>, <c>attn_k_norm</c>).</summary>
    Qwen3,

    /// <summary>
    /// <c>gemma3</c>: q/k norms, post-attention and post-FFN norms, GELU FFN, embeddings scaled by √width, sliding-window
    /// attention on 5 of every 6 blocks.
    /// </summary>
    Gemma3,

    /// <summary><c>phi3</c>: fused <c>attn_qkv</c> and fused gate/up (<c>ffn_up</c> is twice the FFN width), untied output.</summary>
    Phi3,
}
