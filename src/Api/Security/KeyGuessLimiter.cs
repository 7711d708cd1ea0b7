using System.Threading.RateLimiting;
using Llm.Api.Hosting;
using Llm.Api.Limits;

namespace Llm.Api.Security;

/// <summary>
/// Bounds API-key guessing: each wrong key a client address presents takes one permit from a token bucket of
/// <see cref="ServerOptions.WrongKeysPerMinute"/> (refilled a sixtieth each second); an address whose bucket is empty
/// gets 429 for every request that presents a key, right or wrong, until it refills, so a guess can no longer be told
/// from a refusal. Requests without a key do not count: they guess nothing.
/// </summary>
/// <remarks>Thread-safe. Clients behind one address (a NAT) share its bucket: one of them guessing blocks the others' keyed requests for as long.</remarks>
public sealed class KeyGuessLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    /// <summary>Initializes a new instance of the <see cref="KeyGuessLimiter"/> class; a limit of 0 turns it off.</summary>
    public KeyGuessLimiter(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.WrongKeysPerMinute > 0)
            _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => RateLimits.Bucket(options.WrongKeysPerMinute)));
    }

    /// <summary>Returns whether the address has used up its wrong keys for now.</summary>
    public bool IsBlocked(string address) => _limiter?.GetStatistics(address) is { CurrentAvailablePermits: <= 0 };

    /// <summary>Counts one wrong key against the address.</summary>
    public void RecordWrongKey(string address)
    {
        using var lease = _limiter?.AttemptAcquire(address);
    }

    /// <inheritdoc/>
    public void Dispose() => _limiter?.Dispose();
}
