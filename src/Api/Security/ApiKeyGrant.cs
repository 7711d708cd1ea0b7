namespace Llm.Api.Security;

/// <summary>One configured key before it is hashed: the key, the tenant it belongs to and whether it is an admin key.</summary>
/// <param name="Key">The key as clients send it.</param>
/// <param name="TenantName">The tenant named for it; null makes the key its own tenant, named by its key id.</param>
/// <param name="IsAdmin">Whether the key sees and manages every tenant's data.</param>
/// <param name="Source">Where it was configured, for error messages (<c>--api-key</c>, <c>keys.txt line 3</c>); never the key itself.</param>
public sealed record ApiKeyGrant(string Key, string? TenantName, bool IsAdmin, string Source);
