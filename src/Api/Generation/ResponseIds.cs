using System.Security.Cryptography;

namespace Llm.Api.Generation;

/// <summary>Response ids and timestamps as OpenAI shapes them.</summary>
internal static class ResponseIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static string New(string prefix) => prefix + RandomNumberGenerator.GetString(Alphabet, 24);

    /// <summary>Integer Unix seconds: the .NET SDK rejects fractional or string timestamps.</summary>
    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
