using Llm.Runtime.Gguf;

namespace Llm.Runtime.Models;

/// <summary>
/// Models with a learned absolute position table (<c>position_embd.weight</c>: BERT, GPT-2, StarCoder) have an
/// embedding for each position up to the trained context and none beyond: llama.cpp asserts (and the process dies)
/// when a position past the table is decoded. RoPE and ALiBi models merely degrade there, so only these are limited.
/// </summary>
internal static class LearnedPositions
{
    private const string Table = "position_embd.weight";

    /// <summary>
    /// Returns the context size to run a model with: <paramref name="requested"/> (0 for the model's own), or the
    /// trained context (<c>ARCH.context_length</c>) when the model has a position table that is smaller.
    /// </summary>
    public static int ContextSize(GgufFile file, int requested, out bool limited)
    {
        limited = false;
        if (!file.Tensors.Any(t => t.Name == Table) || file.Architecture is not { } architecture) return requested;
        if (!file.Metadata.TryGetValue(architecture + ".context_length", out var value)) return requested;
        var trained = Convert.ToInt64(value.Value, System.Globalization.CultureInfo.InvariantCulture);
        if (trained <= 0 || trained > int.MaxValue || (requested > 0 && requested <= trained)) return requested;
        limited = requested > 0;
        return (int)trained;
    }
}
