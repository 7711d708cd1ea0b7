using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Tests.Jinja;

public class JinjaErrorTests
{
    private static string Render(string template) =>
        JinjaTemplate.Parse(template, JinjaConstructTests.Options).Render(JinjaConstructTests.Variables());

    [Theory]
    [InlineData("{{ 1 +", 1, 7)]
    [InlineData("{% if x %}", 1, 11)]
    [InlineData("a\n  {{ 1 + * }}", 2, 10)]
    [InlineData("x\n{% foo %}", 2, 4)]
    [InlineData("{{ \"abc }}", 1, 4)]
    [InlineData("{% for %}", 1, 8)]
    [InlineData("ab\n{# x", 2, 1)]
    [InlineData("{{ (1 }}", 1, 7)]
    [InlineData("{{ 1 ) }}", 1, 6)]
    [InlineData("{% macro m( %}{% endmacro %}", 1, 14)]
    [InlineData("{% if true %}{% endfor %}", 1, 17)]
    [InlineData("line\n\n   {{ a b }}", 3, 9)]
    public void Syntax_errors_name_line_and_column(string template, int line, int column)
    {
        var ex = Assert.Throws<JinjaSyntaxException>(() => JinjaTemplate.Parse(template));
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.Contains($"line {line}", ex.Message);
    }

    [Theory]
    [InlineData("{{ \"a\" + 1 }}", "can only concatenate str (not \"int\") to str")]
    [InlineData("{{ 1 + \"a\" }}", "unsupported operand type(s) for +: 'int' and 'str'")]
    [InlineData("{% for x in none %}{% endfor %}", "'NoneType' object is not iterable")]
    [InlineData("{{ x.y }}", "'x' is undefined")]
    [InlineData("{{ x + 1 }}", "'x' is undefined")]
    [InlineData("{{ x() }}", "'x' is undefined")]
    [InlineData("{{ x[0] }}", "'x' is undefined")]
    [InlineData("{{ 1 < \"a\" }}", "'<' not supported between instances of 'int' and 'str'")]
    [InlineData("{{ 1 / 0 }}", "division by zero")]
    [InlineData("{{ \"a\" | nosuchfilter }}", "No filter named 'nosuchfilter'.")]
    [InlineData("{{ 1 is nosuchtest }}", "No test named 'nosuchtest'.")]
    [InlineData("{{ x | tojson }}", "Object of type Undefined is not JSON serializable")]
    [InlineData("{% set y = 1 %}{% set y.attr = 2 %}", "cannot assign attribute on non-namespace object")]
    [InlineData("{% for a, b in [[1, 2, 3]] %}{% endfor %}", "too many values to unpack (expected 2)")]
    [InlineData("{{ 5 | items }}", "Can only get item pairs from a mapping.")]
    [InlineData("{{ name() }}", "'str' object is not callable")]
    public void Runtime_errors_match_python(string template, string reason)
    {
        var ex = Assert.Throws<JinjaRuntimeException>(() => Render(template));
        Assert.Equal(reason, ex.Reason);
    }

    [Fact]
    public void Runtime_errors_carry_the_template_line()
    {
        var ex = Assert.Throws<JinjaRuntimeException>(() => Render("a\nb\n{% if true %}\n{{ 1 + none }}\n{% endif %}"));
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void Raise_exception_throws_the_template_message()
    {
        var ex = Assert.Throws<JinjaRaiseException>(() => Render("ok{{ raise_exception('Roles must alternate: ' ~ name) }}"));
        Assert.Equal("Roles must alternate: World", ex.Message);
    }

    [Fact]
    public void Raise_exception_stops_rendering_inside_loops_and_macros()
    {
        const string template = "{% macro check(m) %}{% if m.role == 'assistant' %}{{ raise_exception('no ' + m.role) }}{% endif %}{% endmacro %}"
            + "{% for m in msgs %}{{ check(m) }}{% endfor %}";
        var ex = Assert.Throws<JinjaRaiseException>(() => Render(template));
        Assert.Equal("no assistant", ex.Message);
    }
}
