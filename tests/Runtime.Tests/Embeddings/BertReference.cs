using System.Runtime.InteropServices;
using Llm.Runtime.Gguf;

namespace Llm.Runtime.Tests.Embeddings;

/// <summary>
/// A managed BERT forward pass over the tensors of a <c>bert</c> GGUF (F32/F16), written from the architecture
/// (post-norm blocks, non-causal attention, tanh-GELU feed-forward), not from llama.cpp: it gives the tests a
/// second, independent computation of the final hidden states to hold llama.cpp's pooled vectors against.
/// </summary>
public sealed class BertReference
{
    private readonly Dictionary<string, float[]> _tensors = [];
    private readonly int _width;
    private readonly int _heads;
    private readonly int _blocks;
    private readonly float _epsilon;

    public BertReference(string path)
    {
        var file = GgufReader.ReadFile(path);
        using var stream = File.OpenRead(path);
        foreach (var tensor in file.Tensors)
        {
            var bytes = file.ReadTensorBytes(stream, tensor);
            _tensors[tensor.Name] = tensor.Type switch
            {
                GgufTensorType.F32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
                GgufTensorType.F16 => Array.ConvertAll(MemoryMarshal.Cast<byte, Half>(bytes).ToArray(), h => (float)h),
                _ => throw new NotSupportedException($"{tensor.Name} is {tensor.Type}."),
            };
        }
        _width = (int)file.GetInteger("bert.embedding_length")!.Value;
        _heads = (int)file.GetInteger("bert.attention.head_count")!.Value;
        _blocks = (int)file.GetInteger("bert.block_count")!.Value;
        _epsilon = file.Metadata["bert.attention.layer_norm_epsilon"].Get<float>();
    }

    /// <summary>Returns the last block's output, one row of width floats per token (token type 0, positions 0..n-1).</summary>
    public float[][] HiddenStates(IReadOnlyList<int> tokens)
    {
        var n = _width;
        var x = new float[tokens.Count][];
        for (var t = 0; t < tokens.Count; t++)
        {
            x[t] = new float[n];
            for (var i = 0; i < n; i++)
                x[t][i] = T("token_embd.weight")[tokens[t] * n + i] + T("position_embd.weight")[t * n + i] + T("token_types.weight")[i];
            x[t] = LayerNorm(x[t], "token_embd_norm");
        }
        for (var block = 0; block < _blocks; block++)
        {
            var p = $"blk.{block}.";
            var q = x.Select(row => Linear(row, p + "attn_q")).ToArray();
            var k = x.Select(row => Linear(row, p + "attn_k")).ToArray();
            var v = x.Select(row => Linear(row, p + "attn_v")).ToArray();
            var attended = Attention(q, k, v);
            for (var t = 0; t < x.Length; t++)
            {
                var output = Linear(attended[t], p + "attn_output");
                for (var i = 0; i < n; i++) output[i] += x[t][i];
                var ffnInput = LayerNorm(output, p + "attn_output_norm");
                var up = Linear(ffnInput, p + "ffn_up").Select(Gelu).ToArray();
                var down = Linear(up, p + "ffn_down");
                for (var i = 0; i < n; i++) down[i] += ffnInput[i];
                x[t] = LayerNorm(down, p + "layer_output_norm");
            }
        }
        return x;
    }

    private float[][] Attention(float[][] q, float[][] k, float[][] v)
    {
        var size = _width / _heads;
        var scale = 1.0 / Math.Sqrt(size);
        var result = q.Select(_ => new float[_width]).ToArray();
        for (var h = 0; h < _heads; h++)
        {
            for (var i = 0; i < q.Length; i++)
            {
                var scores = new double[k.Length];
                for (var j = 0; j < k.Length; j++)
                {
                    double dot = 0;
                    for (var d = 0; d < size; d++) dot += q[i][h * size + d] * k[j][h * size + d];
                    scores[j] = dot * scale;
                }
                var max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = weights.Sum();
                for (var d = 0; d < size; d++)
                {
                    double value = 0;
                    for (var j = 0; j < v.Length; j++) value += weights[j] / sum * v[j][h * size + d];
                    result[i][h * size + d] = (float)value;
                }
            }
        }
        return result;
    }

    // ggml order: a (inputs, outputs) weight stores one row of `inputs` values per output.
    private float[] Linear(float[] input, string name)
    {
        var weight = T(name + ".weight");
        var bias = T(name + ".bias");
        var output = new float[bias.Length];
        for (var j = 0; j < output.Length; j++)
        {
            double sum = bias[j];
            for (var i = 0; i < input.Length; i++) sum += weight[j * input.Length + i] * input[i];
            output[j] = (float)sum;
        }
        return output;
    }

    private float[] LayerNorm(float[] x, string name)
    {
        var mean = x.Average();
        var variance = x.Select(v => (v - mean) * (v - mean)).Average();
        var inverse = 1.0 / Math.Sqrt(variance + _epsilon);
        var weight = T(name + ".weight");
        var bias = T(name + ".bias");
        return x.Select((v, i) => (float)((v - mean) * inverse * weight[i] + bias[i])).ToArray();
    }

    private static float Gelu(float x) => (float)(0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));

    private float[] T(string name) => _tensors.TryGetValue(name, out var t) ? t : throw new InvalidOperationException($"The model has no tensor {name}.");
}
