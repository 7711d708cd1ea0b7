using System.Text.Json;
using Llm.Runtime.Chat.Jinja;
using Xunit.Abstractions;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>The default limits leave real templates a wide margin: every golden rendering uses a sliver of them.</summary>
public class GoldenTemplateBudgetTests(ITestOutputHelper output)
{
    [Fact]
    public void Golden_renderings_use_under_a_thousandth_of_the_default_step_budget()
    {
        Assert.True(GoldenData.Exists, GoldenData.MissingMessage);
        var options = new JinjaOptions { Clock = new FixedClock(new DateTimeOffset(2024, 7, 26, 12, 0, 0, TimeSpan.Zero)) };
        long maxSteps = 0;
        var rendered = 0;
        foreach (var c in GoldenData.LoadCases().EnumerateArray().Where(c => c.GetProperty("expected").ValueKind == JsonValueKind.String))
        {
            var template = JinjaTemplate.Parse(GoldenData.LoadTemplate(c.GetProperty("template").GetString()!), options with { MaxNesting = 32 });
            template.Render(GoldenTemplateTests.Variables(c));
            maxSteps = Math.Max(maxSteps, JinjaTemplate.LastSteps);
            rendered++;
        }
        output.WriteLine($"{rendered} golden renderings, at most {maxSteps} steps");
        Assert.Equal(53, rendered);
        Assert.InRange(maxSteps, 1, JinjaBudget.DefaultMaxSteps / 1000);
    }
}
