namespace Llm.Api.Tenancy;

/// <summary>Reads the caller's <see cref="Tenant"/>, which <see cref="Security.ApiKeyMiddleware"/> sets from the key.</summary>
public static class TenantHttpContextExtensions
{
    /// <summary>The <see cref="HttpContext.Items"/> key holding the caller's tenant.</summary>
    internal const string TenantItem = "llm.tenant";

    /// <summary>Gets the caller's tenant: the key's tenant, or <see cref="Tenant.Default"/> on a server without keys (and on public paths).</summary>
    public static Tenant GetTenant(this HttpContext context)
        => context.Items.TryGetValue(TenantItem, out var value) && value is Tenant tenant ? tenant : Tenant.Default;

    internal static void SetTenant(this HttpContext context, Tenant tenant) => context.Items[TenantItem] = tenant;
}
