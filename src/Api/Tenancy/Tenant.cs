namespace Llm.Api.Tenancy;

/// <summary>
/// Who owns what a request stores or caches. Every API key belongs to one tenant; files, fine-tuning jobs,
/// adapters and cached prompt prefixes belong to the tenant that created them and are invisible to the others.
/// </summary>
/// <param name="Id">The tenant's name: letters, digits, '-', '_' and '.', at most 64 characters; safe as a folder name.</param>
/// <param name="IsAdmin">Whether the tenant's keys see and manage every tenant's data and the server's models.</param>
public sealed record Tenant(string Id, bool IsAdmin)
{
    /// <summary>Gets the one tenant of a server without keys: everything it stores is shared by all callers, as before tenants.</summary>
    public static Tenant Default { get; } = new("default", IsAdmin: true);

    /// <summary>
    /// Gets the tenant of callers without a valid key on a server with keys, which reach only its public paths
    /// (<c>--public-path</c>): an ordinary tenant, so a public path never opens another tenant's data.
    /// </summary>
    public static Tenant Anonymous { get; } = new("anonymous", IsAdmin: false);

    /// <summary>Returns whether this tenant may see a resource owned by <paramref name="ownerId"/>.</summary>
    public bool CanSee(string ownerId) => IsAdmin || string.Equals(Id, ownerId, StringComparison.Ordinal);
}
