namespace Llm.Runtime.Gguf.RandomWeights;

/// <summary>
/// The tensor list of each family, as llama.cpp's <c>llama_model::load_tensors</c> looks them up (names from
/// <c>llama-arch.cpp</c>). Where llama.cpp accepts a missing <c>output.weight</c> it reuses <c>token_embd</c>
/// (tied output), which keeps the files small.
/// </summary>
internal static class FamilyLayouts
{
    public static void Llama(RandomTensorSet t)
    {
        t.TokenEmbedding();
        t.Norm("output_norm.weight", t.Shape.EmbeddingLength);
        for (var b = 0; b < t.Shape.BlockCount; b++)
        {
            t.Norm($"blk.{b}.attn_norm.weight", t.Shape.EmbeddingLength);
            t.Attention(b);
            t.Norm($"blk.{b}.ffn_norm.weight", t.Shape.EmbeddingLength);
            t.GatedFeedForward(b);
        }
    }

    public static void Qwen3(RandomTensorSet t)
    {
        t.TokenEmbedding();
        t.Norm("output_norm.weight", t.Shape.EmbeddingLength);
        for (var b = 0; b < t.Shape.BlockCount; b++)
        {
            t.Norm($"blk.{b}.attn_norm.weight", t.Shape.EmbeddingLength);
            t.Attention(b);
            t.Norm($"blk.{b}.attn_q_norm.weight", t.Shape.HeadLength);
            t.Norm($"blk.{b}.attn_k_norm.weight", t.Shape.HeadLength);
            t.Norm($"blk.{b}.ffn_norm.weight", t.Shape.EmbeddingLength);
            t.GatedFeedForward(b);
        }
    }

    /// <summary>
    /// Gemma scales the input embedding by √width, so the residual stream starts large; the post-attention and
    /// post-FFN norms set how much each sub-layer adds, and are weighted to dominate that start.
    /// </summary>
    public static void Gemma3(RandomTensorSet t)
    {
        int n = t.Shape.EmbeddingLength;
        var post = (float)(RandomTensorSet.EmbeddingScale * Math.Sqrt(n) * 2);
        t.TokenEmbedding();
        t.Norm("output_norm.weight", n);
        for (var b = 0; b < t.Shape.BlockCount; b++)
        {
            t.Norm($"blk.{b}.attn_norm.weight", n);
            t.Attention(b);
            t.Norm($"blk.{b}.attn_q_norm.weight", t.Shape.HeadLength);
            t.Norm($"blk.{b}.attn_k_norm.weight", t.Shape.HeadLength);
            t.Norm($"blk.{b}.post_attention_norm.weight", n, post);
            t.Norm($"blk.{b}.ffn_norm.weight", n);
            t.GatedFeedForward(b);
            t.Norm($"blk.{b}.post_ffw_norm.weight", n, post);
        }
    }

    /// <summary>Phi-3 fuses q/k/v into one <c>attn_qkv</c> and gate/up into one <c>ffn_up</c> of twice the FFN width.</summary>
    public static void Phi3(RandomTensorSet t)
    {
        int n = t.Shape.EmbeddingLength, ff = t.Shape.FeedForwardLength;
        int q = t.Shape.HeadLength * t.Shape.HeadCount, kv = t.Shape.HeadLength * t.Shape.KvHeadCount;
        t.TokenEmbedding();
        t.Norm("output_norm.weight", n);
        t.Output();
        for (var b = 0; b < t.Shape.BlockCount; b++)
        {
            t.Norm($"blk.{b}.attn_norm.weight", n);
            t.Matrix($"blk.{b}.attn_qkv.weight", n, q + 2 * kv);
            t.Matrix($"blk.{b}.attn_output.weight", q, n, RandomTensorSet.ResidualGain);
            t.Norm($"blk.{b}.ffn_norm.weight", n);
            t.Matrix($"blk.{b}.ffn_up.weight", n, 2 * ff);
            t.Matrix($"blk.{b}.ffn_down.weight", ff, n, RandomTensorSet.ResidualGain);
        }
    }
}
