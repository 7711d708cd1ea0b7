using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>
/// Hostile templates end in a <see cref="JinjaLimitException"/> naming the right bound, never in a stack
/// overflow (which would end this test process, failing the run) or a render that runs on. Each runs on a thread
/// with a 1 MiB stack, the smallest a server thread gets.
/// </summary>
public class HostileTemplateTests
{
    private const int OneMiB = 1024 * 1024;

    public static TheoryData<HostileTemplates.Case> Cases() => [.. HostileTemplates.All()];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Hostile_template_fails_cleanly_with_the_limit_it_crossed(HostileTemplates.Case hostile)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = OnSmallStack(() => JinjaTemplate.Parse(hostile.Template).Render(Variables()));

        var limit = Assert.IsType<JinjaLimitException>(error);
        Assert.Equal(hostile.Limit, limit.Limit);
        Assert.DoesNotContain("thread's stack", limit.Message); // the counted limit, not the backstop, stopped it
        // Generous: the default budget is about a second of work; only a render that ignores it gets near this.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"{hostile.Name} took {started.Elapsed}");
    }

    [Theory]
    [InlineData("{{ " + "((((((((((" + "1" + "))))))))))" + " }}", "1")]
    [InlineData("{% if true %}{% for i in [1] %}{% if i %}{{ [[[[i]]]]|tojson }}{% endif %}{% endfor %}{% endif %}", "[[[[1]]]]")]
    [InlineData("{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{% else %}done{% endif %}{% endmacro %}{{ f(100) }}", "done")]
    [InlineData("{{ 'ab' * 3 }}{{ ('x' * 20)|length }}", "ababab20")]
    public void Ordinary_nesting_and_recursion_stay_within_the_limits(string template, string expected)
    {
        Assert.Equal(expected, JinjaTemplate.Parse(template).Render(Variables()));
    }

    [Fact]
    public void Nesting_is_counted_up_to_the_limit_and_not_beyond()
    {
        var max = JinjaOptions.DefaultMaxNesting;
        // Parentheses inside a print tag: the tag's body is one level, the statement list another.
        string Parens(int n) => "{{ " + new string('(', n) + "1" + new string(')', n) + " }}";
        Assert.Equal("1", JinjaTemplate.Parse(Parens(max - 2)).Render(Variables()));
        var ex = Assert.Throws<JinjaLimitException>(() => JinjaTemplate.Parse(Parens(max)));
        Assert.Equal(JinjaLimit.Nesting, ex.Limit);
        Assert.Contains($"nesting exceeds {max} levels", ex.Message);
        Assert.Contains("line 1, column", ex.Message);
    }

    [Fact]
    public void Limits_are_configurable()
    {
        const string nested = "{{ ((((((1)))))) }}";
        Assert.Throws<JinjaLimitException>(() => JinjaTemplate.Parse(nested, new JinjaOptions { MaxNesting = 4 }));
        var template = JinjaTemplate.Parse("{% for i in range(1000) %}x{% endfor %}");
        Assert.Equal(JinjaLimit.Steps, Assert.Throws<JinjaLimitException>(() => template.Render(Variables(), new JinjaBudget { MaxSteps = 500 })).Limit);
        Assert.Equal(JinjaLimit.Output, Assert.Throws<JinjaLimitException>(() => template.Render(Variables(), new JinjaBudget { MaxOutputChars = 999 })).Limit);
        Assert.Equal(1000, template.Render(Variables(), new JinjaBudget { MaxOutputChars = 1000 }).Length);
    }

    [Fact]
    public void The_step_budget_stops_a_render_at_the_budget()
    {
        var template = JinjaTemplate.Parse("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}");
        var ex = Assert.Throws<JinjaLimitException>(() => template.Render(Variables(), new JinjaBudget { MaxSteps = 200_000 }));
        Assert.Contains("budget of 200000 steps", ex.Message);
        Assert.InRange(JinjaTemplate.LastSteps, 200_001, 200_100);
    }

    [Fact]
    public async Task Cancellation_stops_a_render_promptly()
    {
        // Unbounded budget: only the token can stop this (10^10 iterations, hours of work).
        var template = JinjaTemplate.Parse("{% for a in range(100000) %}{% for b in range(100000) %}{{ '' }}{% endfor %}{% endfor %}");
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var render = Task.Run(() =>
        {
            started.SetResult();
            try
            {
                template.Render(Variables(), new JinjaBudget { MaxSteps = long.MaxValue }, cts.Token);
                return (Canceled: false, Steps: JinjaTemplate.LastSteps);
            }
            catch (OperationCanceledException)
            {
                return (Canceled: true, Steps: JinjaTemplate.LastSteps);
            }
        });
        await started.Task;
        await Task.Delay(300);
        cts.Cancel();
        var stoppedBy = Task.Delay(TimeSpan.FromSeconds(30));
        Assert.Same(render, await Task.WhenAny(render, stoppedBy));
        var (canceled, steps) = await render;
        Assert.True(canceled);
        // It ran (the loop made progress) and stopped far short of its 3*10^10 steps.
        Assert.InRange(steps, 1_000, 10_000_000_000);
    }

    [Fact]
    public void A_cancelled_token_stops_a_render_before_it_starts()
    {
        var template = JinjaTemplate.Parse("x");
        Assert.Throws<OperationCanceledException>(() => template.Render(Variables(), null, new CancellationToken(canceled: true)));
    }

    internal static Dictionary<string, object?> Variables() => new()
    {
        ["messages"] = new List<object?> { new Dictionary<string, object?> { ["role"] = "user", ["content"] = "hi" } },
        ["x"] = new List<object?> { 1L, 2L },
    };

    internal static Exception? OnSmallStack(Action action)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }, OneMiB);
        thread.Start();
        thread.Join();
        return error;
    }
}
