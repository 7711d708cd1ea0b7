namespace Llm.Runtime.Tests.Jinja;

/// <summary>A clock pinned to one instant in UTC, so strftime_now output is reproducible.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
