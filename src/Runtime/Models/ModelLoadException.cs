namespace Llm.Runtime.Models;

/// <summary>A model could not be loaded; the message is one line fit for an operator.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
