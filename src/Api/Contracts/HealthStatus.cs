namespace Llm.Api.Contracts;

/// <summary>The body of <c>GET /health</c> when the server is ready.</summary>
public sealed record HealthStatus(string Status);
