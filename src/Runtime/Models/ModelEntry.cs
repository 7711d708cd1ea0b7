namespace Llm.Runtime.Models;

/// <summary>A configured model and, once loaded, its host.</summary>
/// <param name="Settings">How it is loaded.</param>
/// <param name="State">Its state.</param>
/// <param name="Host">The loaded model, when <see cref="ModelState.Ready"/>.</param>
/// <param name="Error">Why loading failed, when <see cref="ModelState.Failed"/>.</param>
public sealed record ModelEntry(ModelSettings Settings, ModelState State, ModelHost? Host, string? Error)
{
    /// <summary>Gets how long the last load took, in seconds; null before the first load.</summary>
    public double? LoadSeconds { get; init; }

    /// <summary>Gets the memory the model is estimated to need when loaded (weights plus KV cache), in bytes.</summary>
    public long EstimatedBytes { get; init; }

    /// <summary>Gets when the model was last asked for.</summary>
    public DateTimeOffset? LastUsed { get; init; }
}
