using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>
/// Python's ints are unbounded and this engine's are 64-bit: a result that does not fit is an error, never a silent
/// wrap, and no failure reaches the caller under a .NET exception name.
/// </summary>
public class JinjaIntegerTests
{
    private static string Render(string template) =>
        JinjaTemplate.Parse(template, JinjaConstructTests.Options).Render(JinjaConstructTests.Variables());

    [Theory]
    [InlineData("{{ 2 ** 62 }}", "4611686018427387904")]
    [InlineData("{{ 3 ** 39 }}", "4052555153018976267")]
    [InlineData("{{ (-2) ** 63 }}", "-9223372036854775808")]
    [InlineData("{{ 7 ** 0 }}", "1")]
    [InlineData("{{ 1 ** 99999999999 }}", "1")]
    [InlineData("{{ 9223372036854775806 + 1 }}", "9223372036854775807")]
    [InlineData("{{ -9223372036854775807 - 1 }}", "-9223372036854775808")]
    public void Results_that_fit_are_exact(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ 9223372036854775807 + 1 }}")]
    [InlineData("{{ (-9223372036854775807 - 1) - 1 }}")]
    [InlineData("{{ (-9223372036854775807 - 1) * -1 }}")]
    [InlineData("{{ 4294967296 * 4294967296 }}")]
    [InlineData("{{ 2 ** 64 }}")]
    [InlineData("{{ 2 ** 99999999 }}")]
    [InlineData("{{ 10 ** 10 ** 10 }}")]
    [InlineData("{{ -(-9223372036854775807 - 1) }}")]
    [InlineData("{{ (-9223372036854775807 - 1) // -1 }}")]
    public void Results_that_overflow_are_an_error_not_a_wrap(string template)
    {
        var ex = Assert.Throws<JinjaRuntimeException>(() => Render(template));
        Assert.Contains("OverflowError", ex.Message);
    }

    [Theory]
    [InlineData("{{ [1,2,3][1:9223372036854775807:9223372036854775807] }}")]
    [InlineData("{{ 1.5 | round(1000) }}")]
    [InlineData("{{ 'a' | int(base=1) }}")]
    public void Failures_are_named_as_python_would_not_as_dotnet(string template)
    {
        string? message = null;
        try
        {
            message = Render(template);
        }
        catch (JinjaException ex)
        {
            message = ex.Message;
        }
        Assert.DoesNotContain("Exception", message);
        Assert.DoesNotContain("(Parameter", message);
    }
}
