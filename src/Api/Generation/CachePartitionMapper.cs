using Llm.Api.Errors;
using Llm.Api.Hosting;
using Llm.Api.Tenancy;

namespace Llm.Api.Generation;

/// <summary>
/// Chooses the prefix-cache partition of a generation request: the caller's tenant (unless the operator opted in
/// to sharing across tenants) narrowed by the request's <c>cache_salt</c>, so a tenant's prompts never answer
/// another tenant's requests through <c>cached_tokens</c> or the time to the first token.
/// </summary>
internal static class CachePartitionMapper
{
    /// <summary>The longest <c>cache_salt</c> accepted, in UTF-16 code units.</summary>
    public const int MaxSaltLength = 256;

    /// <summary>Returns the partition for the caller's tenant and salt.</summary>
    /// <exception cref="OpenAiException"><c>cache_salt</c> is empty or longer than <see cref="MaxSaltLength"/>.</exception>
    public static string For(HttpContext http, string? salt, ServerOptions options)
    {
        if (salt is { Length: 0 }) throw OpenAiException.OutOfRange("cache_salt", "must be a non-empty string when present");
        if (salt is { Length: > MaxSaltLength }) throw OpenAiException.OutOfRange("cache_salt", $"must be at most {MaxSaltLength} characters long (got {salt.Length})");
        var owner = options.PrefixCacheScope == ServerOptions.GlobalPrefixCacheScope ? string.Empty : http.GetTenant().Id;
        // The owner's length first, so no tenant and salt can spell another pair's partition.
        return salt is null ? $"{owner.Length}:{owner}" : $"{owner.Length}:{owner}:{salt}";
    }
}
