using System.Security.Cryptography;
using System.Text;
using Llm.Api.Hosting;
using Llm.Api.Tenancy;

namespace Llm.Api.Security;

/// <summary>
/// The accepted API keys, kept only as SHA-256 hashes. Checking a key hashes it and compares it with every
/// stored hash in constant time, so neither the comparison nor the number of keys checked leaks how close a guess was.
/// </summary>
/// <remarks>Thread-safe; immutable after construction.</remarks>
public sealed class ApiKeyStore
{
    private readonly byte[][] _hashes;
    private readonly string[] _publicPaths;

    /// <summary>Initializes a new instance of the <see cref="ApiKeyStore"/> class from the options and the keys file.</summary>
    /// <exception cref="ArgumentException">The keys file cannot be read or holds no key.</exception>
    public ApiKeyStore(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = new List<string>(options.ApiKeys.Select(k => k.Trim()));
        if (!string.IsNullOrWhiteSpace(options.ApiKeysFile)) keys.AddRange(ReadFile(options.ApiKeysFile));
        _hashes = [.. keys.Distinct(StringComparer.Ordinal).Select(Hash)];
        _publicPaths = [.. (options.PublicPaths ?? ["/health"]).Select(p => "/" + p.Trim().Trim('/'))];
    }

    /// <summary>Gets a value indicating whether any key is configured; without one the server is open.</summary>
    public bool Enabled => _hashes.Length > 0;

    /// <summary>Returns whether a path is answered without a key: a public path or anything under it (<c>/docs</c> covers <c>/docs/v1</c>).</summary>
    public bool IsPublic(PathString path) => _publicPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Checks a presented key; on success <paramref name="keyId"/> names it without revealing it (8 hex digits of its hash)
    /// and <paramref name="tenant"/> is the tenant it belongs to (for now each key is its own, non-admin tenant, named by its key id).
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
        keyId = matched >= 0 ? "key-" + Convert.ToHexStringLower(_hashes[matched].AsSpan(0, 4)) : string.Empty;
        tenant = matched >= 0 ? new Tenant(keyId, IsAdmin: false) : Tenant.Default;
        return matched >= 0;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static IEnumerable<string> ReadFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--api-keys-file '{path}' cannot be read: {ex.Message}", ex);
        }
        var keys = lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        return keys.Length > 0 ? keys : throw new ArgumentException($"--api-keys-file '{path}' holds no key.");
    }
}
