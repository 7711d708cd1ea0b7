namespace Llm.Runtime.Gguf.RandomWeights;

/// <summary>
/// Adds the tensors of one model: F16 matrices from the seeded generator and F32 norm weights, named as llama.cpp's
/// <c>llama-arch.cpp</c> names them (<c>blk.N.attn_q.weight</c>, ...). Shapes are in ggml order: (fan-in, fan-out).
/// </summary>
internal sealed class RandomTensorSet(GgufWriter writer, SeededWeights weights, RandomModelShape shape, int vocabularySize)
{
    /// <summary>
    /// Uniform scale of the token embedding. With a tied output, logit j is row j · RMSNorm(h): rows of RMS 0.5·(1/√3)…
    /// times √width give logit spreads of a few units, so greedy picks vary with the context and sampling varies with
    /// the seed.
    /// </summary>
    public const float EmbeddingScale = 0.8f;

    /// <summary>Gain of the projections that write into the residual stream (attention output, FFN down).</summary>
    public const float ResidualGain = 3f;

    public RandomModelShape Shape => shape;

    public int Vocabulary => vocabularySize;

    public void TokenEmbedding()
        => writer.AddTensor("token_embd.weight", GgufTensorType.F16, weights.Uniform(vocabularySize * shape.EmbeddingLength, EmbeddingScale), shape.EmbeddingLength, vocabularySize);

    /// <summary>An untied output projection, for architectures that require <c>output.weight</c>.</summary>
    public void Output()
        => writer.AddTensor("output.weight", GgufTensorType.F16, weights.Matrix(shape.EmbeddingLength, vocabularySize, 4f), shape.EmbeddingLength, vocabularySize);

    public void Norm(string name, int length, float value = 1f)
    {
        var values = new float[length];
        Array.Fill(values, value);
        writer.AddTensor(name, GgufTensorType.F32, values, length);
    }

    public void Matrix(string name, int fanIn, int fanOut, float gain = 1f)
        => writer.AddTensor(name, GgufTensorType.F16, weights.Matrix(fanIn, fanOut, gain), fanIn, fanOut);

    /// <summary>Separate q, k, v and output projections of block <paramref name="block"/>.</summary>
    public void Attention(int block)
    {
        int n = shape.EmbeddingLength, q = shape.HeadLength * shape.HeadCount, kv = shape.HeadLength * shape.KvHeadCount;
        Matrix($"blk.{block}.attn_q.weight", n, q);
        Matrix($"blk.{block}.attn_k.weight", n, kv);
        Matrix($"blk.{block}.attn_v.weight", n, kv);
        Matrix($"blk.{block}.attn_output.weight", q, n, ResidualGain);
    }

    /// <summary>The gated FFN (gate, up, down) of block <paramref name="block"/>.</summary>
    public void GatedFeedForward(int block)
    {
        int n = shape.EmbeddingLength, ff = shape.FeedForwardLength;
        Matrix($"blk.{block}.ffn_gate.weight", n, ff);
        Matrix($"blk.{block}.ffn_up.weight", n, ff);
        Matrix($"blk.{block}.ffn_down.weight", ff, n, ResidualGain);
    }
}
