namespace Llm.Finetune.Adapters;

/// <summary>A valid adapter does not fit the base model or the inputs it is being used with.</summary>
public sealed class AdapterMismatchException(string message) : InvalidOperationException(message);
