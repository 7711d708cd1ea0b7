namespace Llm.Api.Tenancy;

/// <summary>
/// The rules for a tenant's name: 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or a digit.
/// Such a name is safe as a folder name on every file system (no separators, never <c>.</c> or <c>..</c>).
/// </summary>
public static class TenantName
{
    /// <summary>The longest name, in characters.</summary>
    public const int MaxLength = 64;

    private const string Allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";

    /// <summary>Returns null when <paramref name="name"/> is a valid tenant name, else what is wrong with it.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "a tenant name must not be empty";
        if (name.Length > MaxLength) return $"a tenant name has at most {MaxLength} characters ('{name[..16]}...' has {name.Length})";
        if (name.AsSpan().IndexOfAnyExcept(Allowed) is var bad and >= 0)
            return $"a tenant name holds only letters, digits, '-', '_' and '.' ('{name}' has '{name[bad]}')";
        if (!char.IsAsciiLetterOrDigit(name[0])) return $"a tenant name starts with a letter or a digit (got '{name}')";
        return null;
    }

    /// <summary>Returns whether <paramref name="name"/> is a valid tenant name.</summary>
    public static bool IsValid(string? name) => Problem(name) is null;
}
