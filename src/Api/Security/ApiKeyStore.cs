using System.Security.Cryptography;
using System.Text;
using Llm.Api.Hosting;
using Llm.Api.Tenancy;

namespace Llm.Api.Security;

/// <summary>
/// The accepted API keys, kept only as SHA-256 hashes, each with the tenant it belongs to. Checking a key hashes
/// it and compares it with every stored hash in constant time, so neither the comparison nor the number of keys
/// checked leaks how close a guess was.
/// </summary>
/// <remarks>
/// Keys come from <c>--api-key</c> (each its own tenant), <c>--admin-key</c> (each its own admin tenant) and the
/// keys file (see <see cref="ApiKeysFile"/>: a named tenant and an admin mark per key). Thread-safe; immutable after construction.
/// </remarks>
public sealed class ApiKeyStore
{
    private readonly byte[][] _hashes;
    private readonly Tenant[] _tenants;
    private readonly string[] _publicPaths;

    /// <summary>Initializes a new instance of the <see cref="ApiKeyStore"/> class from the options and the keys file.</summary>
    /// <exception cref="ArgumentException">
    /// The keys file cannot be read, holds no key or has a malformed line; or one key is given two different tenants;
    /// or two tenant names differ only in case (they would share a folder on some file systems).
    /// </exception>
    public ApiKeyStore(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var grants = new List<ApiKeyGrant>();
        grants.AddRange(options.ApiKeys.Select(k => new ApiKeyGrant(k.Trim(), null, false, "--api-key")));
        grants.AddRange(options.AdminKeys.Select(k => new ApiKeyGrant(k.Trim(), null, true, "--admin-key")));
        if (!string.IsNullOrWhiteSpace(options.ApiKeysFile)) grants.AddRange(ApiKeysFile.Read(options.ApiKeysFile));

        var byHash = new Dictionary<string, (byte[] Hash, Tenant Tenant, string Source)>(StringComparer.Ordinal);
        foreach (var grant in grants)
        {
            var hash = Hash(grant.Key);
            var tenant = new Tenant(grant.TenantName ?? KeyId(hash), grant.IsAdmin);
            var hex = Convert.ToHexString(hash);
            if (byHash.TryGetValue(hex, out var earlier))
            {
                if (earlier.Tenant != tenant)
                    throw new ArgumentException($"{grant.Source}: this key was already given by {earlier.Source} with another tenant or admin mark.");
                continue;
            }
            byHash[hex] = (hash, tenant, grant.Source);
        }

        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (_, tenant, source) in byHash.Values)
        {
            if (names.TryGetValue(tenant.Id, out var other) && other != tenant.Id)
                throw new ArgumentException($"{source}: tenant '{tenant.Id}' differs from tenant '{other}' only in case; tenants are folders, so name them apart.");
            names[tenant.Id] = tenant.Id;
        }

        _hashes = [.. byHash.Values.Select(v => v.Hash)];
        _tenants = [.. byHash.Values.Select(v => v.Tenant)];
        _publicPaths = [.. (options.PublicPaths ?? ["/health"]).Select(p => "/" + p.Trim().Trim('/'))];
    }

    /// <summary>Gets a value indicating whether any key is configured; without one the server is open and has one tenant, <see cref="Tenant.Default"/>.</summary>
    public bool Enabled => _hashes.Length > 0;

    /// <summary>Gets the tenants the keys belong to, each once (admins first, then by name).</summary>
    public IReadOnlyList<Tenant> Tenants => [.. _tenants.Distinct().OrderByDescending(t => t.IsAdmin).ThenBy(t => t.Id, StringComparer.Ordinal)];

    /// <summary>Returns whether a path is answered without a key: a public path or anything under it (<c>/docs</c> covers <c>/docs/v1</c>).</summary>
    public bool IsPublic(PathString path) => _publicPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Checks a presented key; on success <paramref name="keyId"/> names it without revealing it (8 hex digits of its hash)
    /// and <paramref name="tenant"/> is the tenant it belongs to: the one the keys file names, else its own, named by its key id.
    /// On failure <paramref name="tenant"/> is <see cref="Tenant.Default"/> and must not be used.
    /// </summary>
    public bool TryMatch(ReadOnlySpan<char> presented, out string keyId, out Tenant tenant)
    {
        var hash = Hash(presented.ToString());
        var matched = -1;
        for (var i = 0; i < _hashes.Length; i++)
        {
            // No early exit: every key is compared whatever the outcome.
            if (CryptographicOperations.FixedTimeEquals(hash, _hashes[i])) matched = i;
        }
        keyId = matched >= 0 ? KeyId(_hashes[matched]) : string.Empty;
        tenant = matched >= 0 ? _tenants[matched] : Tenant.Default;
        return matched >= 0;
    }

    private static string KeyId(byte[] hash) => "key-" + Convert.ToHexStringLower(hash.AsSpan(0, 4));

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
