using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>The <c>round</c> filter as Jinja2 3.1.6 renders it (Python's round: the exact binary value, half to even); expected values printed by Jinja2.</summary>
public sealed class JinjaRoundTests
{
    [Theory]
    [InlineData("{{ 2.675|round(2) }}", "2.67")]
    [InlineData("{{ -2.675|round(2) }}", "-2.67")]
    [InlineData("{{ 0.125|round(2) }}", "0.12")]
    [InlineData("{{ 1234.5|round(-2) }}", "1200.0")]
    [InlineData("{{ 1.5|round(20) }}", "1.5")]
    [InlineData("{{ 2.5|round }}", "2.0")]
    [InlineData("{{ 0.5|round(0) }}", "0.0")]
    [InlineData("{{ 1e300|round(2) }}", "1e+300")]
    public void RoundsAsPythonDoes(string template, string expected)
        => Assert.Equal(expected, JinjaTemplate.Parse(template).Render(new Dictionary<string, object?>()));
}
