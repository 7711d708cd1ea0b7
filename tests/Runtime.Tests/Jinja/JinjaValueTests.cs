using System.Text.Json;
using System.Text.Json.Nodes;
using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>How caller values enter the template, and how the environment options shape output.</summary>
public class JinjaValueTests
{
    private static string Render(string template, object? value) =>
        JinjaTemplate.Parse(template).Render(new Dictionary<string, object?> { ["v"] = value });

    [Theory]
    [InlineData("{\"b\": 1, \"a\": [1.0, 2, -0.5, 1e20], \"s\": \"é\\n\"}", "{\"b\": 1, \"a\": [1.0, 2, -0.5, 1e+20], \"s\": \"é\\n\"}")]
    [InlineData("[true, false, null, {}]", "[true, false, null, {}]")]
    public void Json_input_keeps_order_and_number_kinds(string json, string expected)
    {
        Assert.Equal(expected, Render("{{ v | tojson }}", JsonDocument.Parse(json).RootElement));
        Assert.Equal(expected, Render("{{ v | tojson }}", JsonNode.Parse(json)));
    }

    [Fact]
    public void Clr_values_print_like_python()
    {
        var values = new object?[] { 1, 2L, 1.0, 0.1f, 2.5m, true, null, "s", 'c' };
        Assert.Equal("[1, 2, 1.0, 0.1, 2.5, True, None, 's', 'c']", Render("{{ v }}", values));
    }

    [Fact]
    public void Plain_objects_become_mappings()
    {
        var message = new { role = "user", content = "hi", tool_calls = (object?)null };
        Assert.Equal("user|hi|True|True", Render("{{ v.role }}|{{ v['content'] }}|{{ v is mapping }}|{{ v.tool_calls is none }}", message));
    }

    [Fact]
    public void Json_nodes_inside_clr_collections_convert()
    {
        var args = JsonNode.Parse("{\"city\": \"Paris\"}");
        var call = new Dictionary<string, object?> { ["name"] = "get_weather", ["arguments"] = args };
        Assert.Equal("{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}", Render("{{ v | tojson }}", call));
    }

    [Fact]
    public void Templates_cannot_mutate_caller_data()
    {
        var list = new List<object?> { 1 };
        Assert.Equal("[1, 2]", Render("{% do v.append(2) %}{{ v }}", list));
        Assert.Single(list);
    }

    [Fact]
    public void Absent_variables_are_undefined_and_null_is_none()
    {
        var template = JinjaTemplate.Parse("{{ tools is defined }}/{{ tools is none }}");
        Assert.Equal("False/False", template.Render(new Dictionary<string, object?>()));
        Assert.Equal("True/True", template.Render(new Dictionary<string, object?> { ["tools"] = null }));
    }

    [Fact]
    public void One_parse_renders_many_times_and_concurrently()
    {
        var template = JinjaTemplate.Parse("{% for m in v %}{% set n = m * 2 %}{{ n }},{% endfor %}");
        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = template.Render(new Dictionary<string, object?> { ["v"] = new[] { i, i + 1 } }));
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"{i * 2},{(i + 1) * 2},", results[i]);
        }
    }

    [Theory]
    [InlineData("{% if true %}\n  yes\n{% endif %}\nend", "\n  yes\n\nend")]
    [InlineData("  {% if true %}\n  indented\n  {% endif %}\nafter", "  \n  indented\n  \nafter")]
    [InlineData("line1\n{% for i in [1,2] %}\n  - {{ i }}\n{% endfor %}\ndone\n", "line1\n\n  - 1\n\n  - 2\n\ndone")]
    public void Without_trim_and_lstrip_whitespace_is_kept(string template, string expected)
    {
        var options = new JinjaOptions { TrimBlocks = false, LstripBlocks = false };
        Assert.Equal(expected, JinjaTemplate.Parse(template, options).Render(new Dictionary<string, object?>()));
    }

    [Fact]
    public void Default_options_match_hugging_face()
    {
        var options = new JinjaOptions();
        Assert.True(options.TrimBlocks);
        Assert.True(options.LstripBlocks);
        Assert.Same(TimeProvider.System, options.Clock);
    }

    [Fact]
    public void Windows_newlines_are_normalized()
    {
        Assert.Equal("a\nb\n", JinjaTemplate.Parse("a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n").Render(new Dictionary<string, object?>()));
    }
}
