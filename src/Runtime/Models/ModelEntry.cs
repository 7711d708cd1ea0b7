namespace Llm.Runtime.Models;

/// <summary>A configured model and, once loaded, its host.</summary>
/// <param name="Settings">How it is loaded.</param>
/// <param name="State">Its state.</param>
/// <param name="Host">The loaded model, when <see cref="ModelState.Ready"/>.</param>
/// <param name="Error">Why loading failed, when <see cref="ModelState.Failed"/>.</param>
public sealed record ModelEntry(ModelSettings Settings, ModelState State, ModelHost? Host, string? Error);
