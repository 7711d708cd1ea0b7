namespace Llm.Runtime.Errors;

/// <summary>No model of that name is configured.</summary>
public sealed class ModelNotFoundException(string model)
    : Exception($"The model '{model}' does not exist or you do not have access to it.")
{
    /// <summary>Gets the requested model name.</summary>
    public string Model { get; } = model;
}
