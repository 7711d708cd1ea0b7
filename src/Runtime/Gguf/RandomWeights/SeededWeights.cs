namespace Llm.Runtime.Gguf.RandomWeights;

/// <summary>
/// Deterministic random weights: SplitMix64, fixed here rather than taken from <see cref="Random"/> so the file
/// bytes for a seed never depend on the .NET version.
/// </summary>
internal sealed class SeededWeights(int seed)
{
    private ulong _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL);

    /// <summary>Values uniform in [-scale, scale).</summary>
    public float[] Uniform(int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = (float)((NextDouble() * 2 - 1) * scale);
        return values;
    }

    /// <summary>A uniform matrix whose outputs keep about the RMS of its inputs times <paramref name="gain"/> (scale √3·gain/√fanIn).</summary>
    public float[] Matrix(int fanIn, int fanOut, float gain) => Uniform(fanIn * fanOut, (float)(Math.Sqrt(3.0 / fanIn) * gain));

    private double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
