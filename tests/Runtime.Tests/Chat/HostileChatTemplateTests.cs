using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Jinja;
using Llm.Runtime.Gguf;
using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;
using Llm.Runtime.Tests.Jinja;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Tests.Chat;

/// <summary>
/// Hostile templates through the chat layer: a client's template gets a <see cref="ChatTemplateException"/> naming
/// the limit; a model's template that cannot be parsed within the limits gets llama.cpp's built-in format; a
/// model's template that overruns its budget on one conversation fails that render only.
/// </summary>
public sealed class HostileChatTemplateTests
{
    private static readonly SpecialTokenText Tokens = new("<s>", "</s>");
    private static readonly ChatPromptMessage[] One = [new("user", "hi")];

    // A sample of every kind; the full corpus runs against the engine in HostileTemplateTests.
    public static TheoryData<HostileTemplates.Case> Cases() =>
        [.. HostileTemplates.Nesting(10_000).Concat(HostileTemplates.RunTime()).Concat(HostileTemplates.Budgets()).Where((c, i) => i % 3 == 0 && c.Limit != JinjaLimit.Steps)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_client_template_that_crosses_a_limit_is_refused_with_the_limit(HostileTemplates.Case hostile)
    {
        var error = HostileTemplateTests.OnSmallStack(() => ChatTemplate.FromJinja(hostile.Template, Tokens).Render(One));
        var refusal = Assert.IsType<ChatTemplateException>(error);
        Assert.Equal(hostile.Limit, refusal.Limit);
    }

    [Fact]
    public void The_issues_example_names_the_nesting_limit()
    {
        var template = "{{ " + new string('(', 10_000) + "1" + new string(')', 10_000) + " }}";
        var ex = Assert.Throws<ChatTemplateException>(() => ChatTemplate.FromJinja(template, Tokens));
        Assert.Equal(JinjaLimit.Nesting, ex.Limit);
        Assert.StartsWith($"chat template nesting exceeds {JinjaOptions.DefaultMaxNesting} levels", ex.Message);
    }

    [Fact]
    public void Render_options_carry_the_budget_and_the_token_carries_cancellation()
    {
        var template = ChatTemplate.FromJinja("{% for m in messages %}{% for i in range(100000) %}{{ m.content }}{% endfor %}{% endfor %}", Tokens);
        var steps = Assert.Throws<ChatTemplateException>(() => template.Render(One, new ChatRenderOptions { Budget = new JinjaBudget { MaxSteps = 1000 } }));
        Assert.Equal(JinjaLimit.Steps, steps.Limit);
        Assert.Contains("1000 steps", steps.Message);
        var output = Assert.Throws<ChatTemplateException>(() => template.Render(One, new ChatRenderOptions { Budget = new JinjaBudget { MaxOutputChars = 1000 } }));
        Assert.Equal(JinjaLimit.Output, output.Limit);
        Assert.Throws<OperationCanceledException>(() => template.Render(One, null, new CancellationToken(canceled: true)));
        Assert.Equal(200_000, template.Render(One).Length);
    }

    [Theory]
    [InlineData("parentheses")]
    [InlineData("blocks")]
    [InlineData("endless probe")]
    [InlineData("deep value")]
    public void A_model_template_that_crosses_a_limit_falls_back_to_llama_cpp(string kind)
    {
        // The ChatML markers let llama.cpp recognise its built-in format, as it would for a real model.
        const string chatMl = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}";
        var hostile = kind switch
        {
            "parentheses" => chatMl + "{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}",
            "blocks" => chatMl + string.Concat(Enumerable.Repeat("{% if true %}", 100_000)) + string.Concat(Enumerable.Repeat("{% endif %}", 100_000)),
            "endless probe" => chatMl + "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            _ => chatMl + "{% set ns = namespace(x=1) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x|tojson }}",
        };
        var path = Path.Combine(Path.GetTempPath(), $"llm-hostile-template-{Guid.NewGuid():N}.gguf");
        DemoModelBuilder.Create().Set("tokenizer.chat_template", GgufValue.String(hostile)).WriteFile(path);
        try
        {
            ModelHost? host = null;
            var error = HostileTemplateTests.OnSmallStack(() => host = ModelHost.Load(new ModelSettings { Name = "m", Path = path, ContextSize = 256, Threads = 2 }, NullLoggerFactory.Instance));
            Assert.Null(error);
            using (host)
            {
                Assert.Equal("llama.cpp", host!.Template.Source);
                Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", host.Template.Render(One));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_operator_override_that_crosses_a_limit_stops_the_load_with_the_reason()
    {
        var hostile = "{{ " + new string('(', 10_000) + "1" + new string(')', 10_000) + " }}";
        var ex = Assert.Throws<ArgumentException>(() => Inference.HostFixture.LoadTiny(hostile));
        Assert.Contains($"nesting exceeds {JinjaOptions.DefaultMaxNesting} levels", ex.Message);
    }

    [Fact]
    public void A_model_template_that_overruns_on_one_conversation_fails_that_render_only()
    {
        const string template = "{% if messages|length > 1 %}{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}{% endif %}"
            + "{% for m in messages %}[{{ m.content }}]{% endfor %}";
        var path = Path.Combine(Path.GetTempPath(), $"llm-overrun-template-{Guid.NewGuid():N}.gguf");
        DemoModelBuilder.Create().Set("tokenizer.chat_template", GgufValue.String(template)).WriteFile(path);
        try
        {
            using var host = ModelHost.Load(new ModelSettings { Name = "m", Path = path, ContextSize = 256, Threads = 2 }, NullLoggerFactory.Instance);
            Assert.Equal("model", host.Template.Source);
            var ex = Assert.Throws<ChatTemplateException>(() => host.Template.Render([new("user", "a"), new("user", "b")]));
            Assert.Equal(JinjaLimit.Steps, ex.Limit);
            Assert.Equal("[hi]", host.Template.Render(One));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
