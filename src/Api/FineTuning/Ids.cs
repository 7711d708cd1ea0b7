using System.Security.Cryptography;

namespace Llm.Api.FineTuning;

/// <summary>OpenAI-style identifiers: a prefix and 24 random lowercase hex digits (safe as file names).</summary>
public static class Ids
{
    public static string New(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Whether <paramref name="id"/> has the prefix and the hex tail, so it can name a file without escaping.</summary>
    public static bool IsValid(string id, string prefix) =>
        id.Length == prefix.Length + 24 && id.StartsWith(prefix, StringComparison.Ordinal) && id.AsSpan(prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;
}
