using System.Text.Json;
using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>Real model chat templates against renderings made with Jinja2 configured as Hugging Face configures it.</summary>
public class GoldenTemplateTests
{
    private static readonly JinjaOptions Options = new() { Clock = new FixedClock(new DateTimeOffset(2024, 7, 26, 12, 0, 0, TimeSpan.Zero)) };

    public static IEnumerable<object[]> Cases()
    {
        if (!GoldenData.Exists)
        {
            yield return ["<missing>", "<missing>"];
            yield break;
        }
        foreach (var c in GoldenData.LoadCases().EnumerateArray())
        {
            yield return [c.GetProperty("template").GetString()!, c.GetProperty("case").GetString()!];
        }
    }

    [Fact]
    public void Golden_data_is_present_and_complete()
    {
        Assert.True(GoldenData.Exists, GoldenData.MissingMessage);
        var cases = GoldenData.LoadCases();
        Assert.Equal(63, cases.GetArrayLength());
        Assert.Equal(53, cases.EnumerateArray().Count(c => c.GetProperty("expected").ValueKind == JsonValueKind.String));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_like_jinja2(string template, string caseName)
    {
        Assert.True(GoldenData.Exists, GoldenData.MissingMessage);
        var c = GoldenData.LoadCases().EnumerateArray()
            .Single(x => x.GetProperty("template").GetString() == template && x.GetProperty("case").GetString() == caseName);
        var parsed = JinjaTemplate.Parse(GoldenData.LoadTemplate(template), Options);
        var variables = Variables(c);

        if (c.GetProperty("expected").ValueKind == JsonValueKind.String)
        {
            Assert.Equal(c.GetProperty("expected").GetString(), parsed.Render(variables));
            return;
        }
        var error = c.GetProperty("error").GetString()!;
        var thrown = Assert.ThrowsAny<JinjaException>(() => parsed.Render(variables));
        if (error.Contains("object is not iterable", StringComparison.Ordinal))
        {
            Assert.IsType<JinjaRuntimeException>(thrown);
        }
        else
        {
            var raised = Assert.IsType<JinjaRaiseException>(thrown);
            Assert.Equal(error, raised.Message);
        }
    }

    /// <summary>Passes the case's JSON straight through, as a server would after parsing a request.</summary>
    internal static Dictionary<string, object?> Variables(JsonElement c) => new()
    {
        ["messages"] = c.GetProperty("messages"),
        ["tools"] = c.GetProperty("tools").ValueKind == JsonValueKind.Null ? null : c.GetProperty("tools"),
        ["add_generation_prompt"] = c.GetProperty("add_generation_prompt").GetBoolean(),
        ["bos_token"] = c.GetProperty("bos_token").GetString(),
        ["eos_token"] = c.GetProperty("eos_token").GetString(),
    };
}
