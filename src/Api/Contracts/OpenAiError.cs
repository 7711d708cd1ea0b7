namespace Llm.Api.Contracts;

/// <summary>The OpenAI error envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record OpenAiError(OpenAiErrorBody Error);

/// <summary>The error itself; <see cref="Param"/> and <see cref="Code"/> may be null but are always present.</summary>
public sealed record OpenAiErrorBody(string Message, string Type, string? Param, string? Code);
