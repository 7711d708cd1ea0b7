namespace Llm.Api.Security;

/// <summary>
/// Marks an endpoint whose body is not JSON (the multipart file upload), so <see cref="JsonContentTypeCheck"/>
/// lets its Content-Type through. Every other POST, PUT or PATCH endpoint must be sent JSON.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class NonJsonBodyAttribute : Attribute;
