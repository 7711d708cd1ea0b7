using Llm.Api.Tenancy;

namespace Llm.Api.Security;

/// <summary>
/// Reads the keys file (<c>--api-keys-file</c>). One key a line; blank lines and lines starting with <c>#</c>
/// are skipped, and a <c>#</c> word starts a comment. After the key, optional words:
/// <c>tenant=NAME</c> puts the key in tenant NAME (several keys may share one) and <c>admin</c> makes it an
/// admin key; each may be given once, and nothing else may follow. A line that starts with an option (its key
/// forgotten) is refused. A key without <c>tenant=</c> is its own tenant, as before tenants existed. Tenant names follow
/// <see cref="TenantName"/>; names starting with <c>key-</c> and the name <c>anonymous</c> are kept for the server. For example:
/// <code>
/// sk-alice-laptop  tenant=alice
/// sk-alice-ci      tenant=alice
/// sk-bob           tenant=bob
/// sk-ops           tenant=ops admin
/// sk-legacy
/// </code>
/// </summary>
public static class ApiKeysFile
{
    /// <summary>The word that names a key's tenant.</summary>
    public const string TenantWord = "tenant=";

    /// <summary>The word that marks an admin key.</summary>
    public const string AdminWord = "admin";

    /// <summary>Names that start with this are kept for keys without a tenant (their key ids).</summary>
    public const string ReservedPrefix = "key-";

    /// <summary>Reads and parses the file.</summary>
    /// <exception cref="ArgumentException">The file cannot be read, holds no key, or a line is malformed (the message names the line, never the key).</exception>
    public static IReadOnlyList<ApiKeyGrant> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ArgumentException($"--api-keys-file '{path}' cannot be read: {ex.Message}", ex);
        }
        var grants = Parse(lines, $"--api-keys-file '{path}'");
        return grants.Count > 0 ? grants : throw new ArgumentException($"--api-keys-file '{path}' holds no key.");
    }

    /// <summary>Parses the lines of a keys file; <paramref name="origin"/> starts every error message.</summary>
    /// <exception cref="ArgumentException">A line is malformed; the message names the line, never the key.</exception>
    public static IReadOnlyList<ApiKeyGrant> Parse(IReadOnlyList<string> lines, string origin)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var grants = new List<ApiKeyGrant>();
        for (var i = 0; i < lines.Count; i++)
        {
            var words = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var comment = Array.FindIndex(words, w => w.StartsWith('#'));
            if (comment >= 0) words = words[..comment];
            if (words.Length == 0) continue;

            var where = $"{origin} line {i + 1}";
            // A line whose key was forgotten would otherwise make the option itself a working key.
            if (LooksLikeOption(words[0]))
                throw new ArgumentException($"{where}: the line starts with an option ('{(words[0].StartsWith(TenantWord, StringComparison.OrdinalIgnoreCase) ? TenantWord + "..." : AdminWord)}') where the key belongs; the key comes first.");
            string? tenant = null;
            var admin = false;
            for (var w = 1; w < words.Length; w++)
            {
                var word = words[w];
                if (word.StartsWith(TenantWord, StringComparison.Ordinal))
                {
                    if (tenant is not null) throw new ArgumentException($"{where}: 'tenant=' is given twice.");
                    tenant = word[TenantWord.Length..];
                    if (TenantName.Problem(tenant) is { } problem) throw new ArgumentException($"{where}: {problem}.");
                    if (tenant.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase))
                        throw new ArgumentException($"{where}: tenant names starting with '{ReservedPrefix}' are kept for keys without a tenant.");
                    if (string.Equals(tenant, Tenant.Anonymous.Id, StringComparison.OrdinalIgnoreCase))
                        throw new ArgumentException($"{where}: the tenant name '{Tenant.Anonymous.Id}' is kept for callers without a key on public paths.");
                }
                else if (word == AdminWord)
                {
                    if (admin) throw new ArgumentException($"{where}: 'admin' is given twice.");
                    admin = true;
                }
                else
                {
                    // Never echo the word: a key with a space in it would print half of itself.
                    throw new ArgumentException($"{where}: after the key only 'tenant=NAME' and 'admin' may follow (word {w + 1} is neither). Keys cannot contain spaces.");
                }
            }
            grants.Add(new ApiKeyGrant(words[0], tenant, admin, where));
        }
        return grants;
    }

    // Case-insensitive so that 'Admin' or 'TENANT=x' in the key's place is caught too; such a key is never meant.
    private static bool LooksLikeOption(string word)
        => word.StartsWith(TenantWord, StringComparison.OrdinalIgnoreCase) || word.Equals(AdminWord, StringComparison.OrdinalIgnoreCase);
}
