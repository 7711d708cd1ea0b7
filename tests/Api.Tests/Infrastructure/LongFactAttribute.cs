namespace Llm.Api.Tests.Infrastructure;

/// <summary>
/// A test that takes minutes (load for 60 s, soak): skipped unless LLM_LONG_TESTS=1, so the default
/// <c>dotnet test</c> stays short. Run them with <c>LLM_LONG_TESTS=1 dotnet test tests/Api.Tests --filter Category=Long</c>.
/// </summary>
public sealed class LongFactAttribute : FactAttribute
{
    public LongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LLM_LONG_TESTS") != "1") Skip = "Long test: set LLM_LONG_TESTS=1 to run it.";
    }
}
