using Llm.Runtime.Gguf;

namespace Llm.Runtime.Models.Planning;

/// <summary>
/// How much memory a model needs, read from its GGUF tensor table: the bytes of each repeating layer
/// (<c>blk.N.*</c>), of the output head, of everything else, and the KV cache per token per layer.
/// </summary>
/// <param name="LayerBytes">Weight bytes of each repeating layer, in layer order.</param>
/// <param name="OutputBytes">Weight bytes of the output head (<c>output.*</c>, <c>output_norm.*</c>), which llama.cpp offloads as the layer after the last.</param>
/// <param name="OtherBytes">All other weight bytes (token embeddings and the like), which stay in host memory.</param>
/// <param name="KvBytesPerTokenPerLayer">KV cache bytes for one token in one layer (keys plus values, F16).</param>
public sealed record ModelFootprint(IReadOnlyList<long> LayerBytes, long OutputBytes, long OtherBytes, long KvBytesPerTokenPerLayer)
{
    /// <summary>Gets the number of repeating layers.</summary>
    public int LayerCount => LayerBytes.Count;

    /// <summary>Gets all weight bytes.</summary>
    public long WeightBytes => LayerBytes.Sum() + OutputBytes + OtherBytes;

    /// <summary>Gets the KV cache bytes for a context of <paramref name="contextTokens"/> tokens over every layer.</summary>
    public long KvBytes(long contextTokens) => contextTokens * KvBytesPerTokenPerLayer * LayerCount;

    /// <summary>Reads the footprint of a parsed GGUF file.</summary>
    public static ModelFootprint From(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var layers = new SortedDictionary<int, long>();
        long output = 0, other = 0;
        foreach (var tensor in file.Tensors)
        {
            var bytes = tensor.ByteSize ?? 0;
            if (LayerIndex(tensor.Name) is { } layer) layers[layer] = layers.GetValueOrDefault(layer) + bytes;
            else if (tensor.Name.StartsWith("output", StringComparison.Ordinal)) output += bytes;
            else other += bytes;
        }
        var arch = file.Architecture ?? "llama";
        var blockCount = (int)(file.GetInteger($"{arch}.block_count") ?? layers.Count);
        var perLayer = new long[Math.Max(blockCount, layers.Count == 0 ? 0 : layers.Keys.Max() + 1)];
        foreach (var (index, bytes) in layers) perLayer[index] = bytes;
        return new ModelFootprint(perLayer, output, other, KvPerTokenPerLayer(file, arch));
    }

    // n_embd_k_gqa + n_embd_v_gqa elements, two bytes each (llama.cpp's default F16 cache).
    private static long KvPerTokenPerLayer(GgufFile file, string arch)
    {
        var embedding = file.GetInteger($"{arch}.embedding_length") ?? 0;
        var heads = Math.Max(1, file.GetInteger($"{arch}.attention.head_count") ?? 1);
        var kvHeads = file.GetInteger($"{arch}.attention.head_count_kv") ?? heads;
        var keyLength = file.GetInteger($"{arch}.attention.key_length") ?? embedding / heads;
        var valueLength = file.GetInteger($"{arch}.attention.value_length") ?? embedding / heads;
        return (keyLength + valueLength) * kvHeads * 2;
    }

    private static int? LayerIndex(string name)
    {
        if (!name.StartsWith("blk.", StringComparison.Ordinal)) return null;
        var end = name.IndexOf('.', 4);
        return end > 4 && int.TryParse(name.AsSpan(4, end - 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : null;
    }
}
