namespace Llm.Runtime.Errors;

/// <summary>The engine is shutting down or failed, and cannot take the request.</summary>
public sealed class EngineUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
