namespace Llm.Runtime.Errors;

/// <summary>The model exists but is still loading (or failed to load).</summary>
public sealed class ModelNotReadyException(string model, string reason) : Exception($"The model '{model}' is not ready: {reason}.")
{
    /// <summary>Gets the model name.</summary>
    public string Model { get; } = model;
}
