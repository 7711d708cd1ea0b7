using Llm.Runtime.Gguf;

namespace Llm.Runtime.Models.Demo;

/// <summary>
/// Assembles the demo model's GGUF. The network is a lookup table in disguise: the token embedding is a scaled
/// one-hot, the block's attention and FFN outputs are zero matrices (so the residual stream stays that one-hot),
/// the final RMSNorm weight rescales it to exactly 1, and output.weight row j, column i is logit(j | i).
/// </summary>
internal static class DemoModelBuilder
{
    public const int EmbeddingLength = 512;
    public const int HeadCount = 4;
    public const int FeedForwardLength = 256;
    public const float RmsEpsilon = 1e-5f;

    /// <summary>Embedding value of the hot dimension. 16 is exact in F16 and makes mean(x^2) = 0.5.</summary>
    public const float EmbeddingScale = 16f;

    /// <summary>Logit of tokens that are never produced, relative to the uniform printable ones (e^-1000 is 0 in float).</summary>
    public const float ExcludedLogit = -1000f;

    public static GgufWriter Create()
    {
        var w = new GgufWriter();
        w.Set("general.architecture", GgufValue.String("llama"))
            .Set("general.name", GgufValue.String("llm-demo"))
            .Set("general.alignment", GgufValue.UInt32(32))
            .Set("general.file_type", GgufValue.UInt32(1)) // mostly F16
            .Set("llama.vocab_size", GgufValue.UInt32(DemoModel.VocabularySize))
            .Set("llama.context_length", GgufValue.UInt32(DemoModel.ContextLength))
            .Set("llama.embedding_length", GgufValue.UInt32(EmbeddingLength))
            .Set("llama.block_count", GgufValue.UInt32(1))
            .Set("llama.feed_forward_length", GgufValue.UInt32(FeedForwardLength))
            .Set("llama.attention.head_count", GgufValue.UInt32(HeadCount))
            .Set("llama.attention.head_count_kv", GgufValue.UInt32(HeadCount))
            .Set("llama.rope.dimension_count", GgufValue.UInt32(EmbeddingLength / HeadCount))
            .Set("llama.rope.freq_base", GgufValue.Float32(10000f))
            .Set("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(RmsEpsilon));
        DemoVocabulary.AddTo(w);
        AddTensors(w);
        return w;
    }

    private static void AddTensors(GgufWriter w)
    {
        const int n = EmbeddingLength, vocab = DemoModel.VocabularySize, ff = FeedForwardLength;
        var ones = new float[n];
        Array.Fill(ones, 1f);
        var zerosSquare = new float[n * n];
        var zerosFf = new float[n * ff];

        var embedding = new float[vocab * n];
        for (var t = 0; t < vocab; t++)
            embedding[t * n + t] = EmbeddingScale;
        w.AddTensor("token_embd.weight", GgufTensorType.F16, embedding, n, vocab);

        w.AddTensor("blk.0.attn_norm.weight", GgufTensorType.F32, ones, n);
        w.AddTensor("blk.0.attn_q.weight", GgufTensorType.F16, zerosSquare, n, n);
        w.AddTensor("blk.0.attn_k.weight", GgufTensorType.F16, zerosSquare, n, n);
        w.AddTensor("blk.0.attn_v.weight", GgufTensorType.F16, zerosSquare, n, n);
        w.AddTensor("blk.0.attn_output.weight", GgufTensorType.F16, zerosSquare, n, n);
        w.AddTensor("blk.0.ffn_norm.weight", GgufTensorType.F32, ones, n);
        w.AddTensor("blk.0.ffn_gate.weight", GgufTensorType.F16, zerosFf, n, ff);
        w.AddTensor("blk.0.ffn_up.weight", GgufTensorType.F16, zerosFf, n, ff);
        w.AddTensor("blk.0.ffn_down.weight", GgufTensorType.F16, zerosFf, ff, n);

        // RMSNorm maps the one-hot s*e_i to e_i * s / sqrt(s^2/n + eps); this weight undoes that factor
        // (computed in double) so the eps cannot perturb the logits.
        var outputNorm = new float[n];
        Array.Fill(outputNorm, (float)(Math.Sqrt((double)EmbeddingScale * EmbeddingScale / n + RmsEpsilon) / EmbeddingScale));
        w.AddTensor("output_norm.weight", GgufTensorType.F32, outputNorm, n);

        // F32 keeps ln(9N) precise enough that the measured top probability is 0.9 to 6 decimals.
        var output = new float[vocab * n];
        for (var current = 0; current < vocab; current++)
        {
            var successor = DemoModel.NextToken(current);
            var successorLogit = (float)Math.Log(9.0 * DemoModel.UniformTokenCount(successor));
            for (var next = 0; next < vocab; next++)
            {
                output[next * n + current] = next == successor ? successorLogit
                    : DemoModel.IsPrintable(next) ? 0f
                    : ExcludedLogit;
            }
        }
        w.AddTensor("output.weight", GgufTensorType.F32, output, n, vocab);
    }
}
