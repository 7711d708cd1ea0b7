using System.Text.Json;
using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>
/// Every filter, test and common construct of the engine over none, the three kinds of undefined and ordinary
/// values, against Jinja2 3.1 configured as Hugging Face transformers configures it (Goldens/none_matrix.json,
/// made by Goldens/generate_none_matrix.py): the same output, or an engine error where Jinja2 raised.
/// </summary>
public class NoneMatrixTests
{
    private static readonly Lazy<JsonElement> Golden = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Jinja", "Goldens", "none_matrix.json")));
        return document.RootElement.Clone();
    });

    private static readonly Lazy<Dictionary<string, object?>> Variables = new(() =>
        Golden.Value.GetProperty("variables").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value));

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        var index = 0;
        foreach (var c in Golden.Value.GetProperty("cases").EnumerateArray())
        {
            data.Add(index++, c.GetProperty("template").GetString()!);
        }
        return data;
    }

    [Fact]
    public void The_matrix_covers_every_input_kind_and_both_outcomes()
    {
        var cases = Golden.Value.GetProperty("cases").EnumerateArray().ToList();
        Assert.True(cases.Count > 1000, $"only {cases.Count} cases");
        foreach (var input in new[] { "none", "undefined", "undefined_attribute", "empty_list", "list_of_dicts", "string" })
        {
            Assert.Contains(cases, c => c.GetProperty("input").GetString() == input && c.GetProperty("error").ValueKind == JsonValueKind.Null);
            Assert.Contains(cases, c => c.GetProperty("input").GetString() == input && c.GetProperty("error").ValueKind == JsonValueKind.String);
        }
        // An attribute of undefined raises whatever is done with it, under the default Undefined.
        Assert.All(cases.Where(c => c.GetProperty("input").GetString() == "attribute_of_undefined"), c => Assert.Equal(JsonValueKind.String, c.GetProperty("error").ValueKind));
    }

    [Fact]
    public void Tool_selection_over_absent_tools_is_empty_as_in_jinja2()
    {
        // Issue #12: a real template filtered `tools` this way and refused every conversation without tools.
        var template = JinjaTemplate.Parse("{% set fns = tools | selectattr('type', 'equalto', 'function') | list %}{{ fns | length }}");
        Assert.Equal("0", template.Render(new Dictionary<string, object?> { ["tools"] = null }));
        Assert.Equal("0", template.Render(new Dictionary<string, object?>()));
        Assert.Equal("1", template.Render(new Dictionary<string, object?> { ["tools"] = JsonDocument.Parse("""[{"type":"function"},{"type":"x"}]""").RootElement }));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_like_jinja2(int index, string template)
    {
        var c = Golden.Value.GetProperty("cases")[index];
        if (c.GetProperty("error").ValueKind == JsonValueKind.Null)
        {
            Assert.Equal(c.GetProperty("output").GetString(), JinjaTemplate.Parse(template).Render(Variables.Value));
            return;
        }
        var thrown = Assert.ThrowsAny<JinjaException>(() => JinjaTemplate.Parse(template).Render(Variables.Value));
        Assert.IsNotType<JinjaLimitException>(thrown);
    }
}
