namespace Llm.Runtime.Gguf;

/// <summary>
/// The tensors llama.cpp looks up for an architecture, by name and shape (ggml order), for the architectures whose
/// layout is known here (llama, dense). Other architectures are left to llama.cpp's own lookup, which fails cleanly.
/// </summary>
internal static class GgufArchitectureTensors
{
    public static void Check(GgufFile file, GgufModelShape shape)
    {
        if (shape.Architecture != "llama" || shape.Experts > 0 || shape.Vocabulary == 0)
            return;
        var tensors = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        long n = shape.Embedding, vocab = shape.Vocabulary;
        Expect(tensors, "token_embd.weight", n, vocab);
        Expect(tensors, "output_norm.weight", n);
        if (tensors.ContainsKey("output.weight"))
            Expect(tensors, "output.weight", n, vocab);
        for (var b = 0; b < shape.Blocks; b++)
        {
            var p = $"blk.{b}.";
            long q = shape.HeadKeyLength * shape.Heads[b], k = shape.HeadKeyLength * shape.KvHeads[b], v = shape.HeadValueLength * shape.KvHeads[b];
            var ff = shape.FeedForward[b];
            Expect(tensors, p + "attn_norm.weight", n);
            Expect(tensors, p + "attn_q.weight", n, q);
            Expect(tensors, p + "attn_k.weight", n, k);
            Expect(tensors, p + "attn_v.weight", n, v);
            Expect(tensors, p + "attn_output.weight", shape.HeadValueLength * shape.Heads[b], n);
            Expect(tensors, p + "ffn_norm.weight", n);
            Expect(tensors, p + "ffn_gate.weight", n, ff);
            Expect(tensors, p + "ffn_up.weight", n, ff);
            Expect(tensors, p + "ffn_down.weight", ff, n);
        }
    }

    private static void Expect(Dictionary<string, GgufTensorInfo> tensors, string name, params long[] shape)
    {
        if (!tensors.TryGetValue(name, out var t))
            throw GgufValidator.Refuse($"tensor '{name}' is missing.");
        if (!t.Shape.SequenceEqual(shape))
            throw GgufValidator.Refuse($"tensor '{name}' has shape {GgufTensorRules.ShapeText(t.Shape)}, expected {GgufTensorRules.ShapeText(shape)}.");
    }
}
