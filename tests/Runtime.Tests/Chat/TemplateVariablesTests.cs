using System.Text.Json;
using Llm.Runtime.Chat;
using Llm.Runtime.Tests.Inference;
using Llm.Tests.Families;

namespace Llm.Runtime.Tests.Chat;

/// <summary>Extra template variables (chat_template_kwargs) on real templates: Qwen3's enable_thinking, merging, and every refusal.</summary>
public sealed class TemplateVariablesTests
{
    private static readonly ChatPromptMessage[] Hi = [new("user", "hi")];

    internal static Dictionary<string, JsonElement> Vars(string json)
        => JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    internal static ChatTemplate Qwen3()
    {
        var config = Path.Combine(HuggingFaceTokenizers.Folder("qwen3"), "tokenizer_config.json");
        using var document = JsonDocument.Parse(File.ReadAllText(config));
        return ChatTemplate.FromJinja(document.RootElement.GetProperty("chat_template").GetString()!, new SpecialTokenText("", "<|im_end|>"));
    }

    [Fact]
    public void Qwen3EnableThinkingFalseAddsTheEmptyThinkBlockAfterTheGenerationPrompt()
    {
        var qwen3 = Qwen3();
        var plain = qwen3.Render(Hi);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", plain);
        Assert.Equal(plain + "<think>\n\n</think>\n\n", qwen3.Render(Hi, new ChatRenderOptions { TemplateVariables = Vars("""{"enable_thinking":false}""") }));
        Assert.Equal(plain, qwen3.Render(Hi, new ChatRenderOptions { TemplateVariables = Vars("""{"enable_thinking":true}""") }));
    }

    [Fact]
    public void VariablesOfEveryJsonKindReachTheTemplate()
    {
        var template = ChatTemplate.FromJinja("{{ s }}|{{ n + 1 }}|{{ f }}|{{ b }}|{{ z is none }}|{{ l | length }}|{{ d.k[1] }}|{{ missing is defined }}", new SpecialTokenText("", ""));
        var text = template.Render(Hi, new ChatRenderOptions { TemplateVariables = Vars("""{"s":"x","n":41,"f":1.5,"b":true,"z":null,"l":[1,2,3],"d":{"k":["a","b"]}}""") });
        Assert.Equal("x|42|1.5|True|True|3|b|False", text);
    }

    [Fact]
    public void MergeOverridesTheDefaultsKeyByKey()
    {
        var merged = ChatTemplateVariables.Merge(Vars("""{"a":1,"b":2}"""), Vars("""{"b":3,"c":4}"""))!;
        Assert.Equal(["a:1", "b:3", "c:4"], merged.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}"));
        Assert.Null(ChatTemplateVariables.Merge(null, Vars("{}")));
        Assert.Equal(2, ChatTemplateVariables.Merge(Vars("""{"a":1,"b":2}"""), null)!.Count);
    }

    [Theory]
    [InlineData("messages")]
    [InlineData("tools")]
    [InlineData("add_generation_prompt")]
    [InlineData("bos_token")]
    [InlineData("eos_token")]
    [InlineData("raise_exception")]
    [InlineData("range")]
    public void NamesTheRendererSetsAreRefusedNamingThem(string name)
    {
        var variables = Vars($$"""{"ok":1,"{{name}}":"x"}""");
        var ex = Assert.Throws<ChatTemplateVariableException>(() => ChatTemplateVariables.Merge(null, variables));
        Assert.Equal(name, ex.Name);
        Assert.Contains($"'{name}'", ex.Message);
        Assert.Throws<ChatTemplateVariableException>(() => Qwen3().Render(Hi, new ChatRenderOptions { TemplateVariables = variables }));
    }

    [Fact]
    public void ValuesNestedTooDeepOrTooLargeAreRefused()
    {
        var deep = new string('[', ChatTemplateVariables.MaxDepth + 1) + new string(']', ChatTemplateVariables.MaxDepth + 1);
        var ex = Assert.Throws<ChatTemplateVariableException>(() => ChatTemplateVariables.Validate(Vars($$"""{"deep":{{deep}}}""")));
        Assert.Equal("deep", ex.Name);
        Assert.Contains("nests more than 32", ex.Message);
        var deepest = new string('[', ChatTemplateVariables.MaxDepth) + new string(']', ChatTemplateVariables.MaxDepth);
        ChatTemplateVariables.Validate(Vars($$"""{"deep":{{deepest}}}"""));

        var big = JsonSerializer.Serialize(new string('x', ChatTemplateVariables.MaxSize / 2));
        ex = Assert.Throws<ChatTemplateVariableException>(() => ChatTemplateVariables.Validate(Vars($$"""{"a":{{big}},"b":{{big}}}""")));
        Assert.Contains("larger than 1048576", ex.Message);
        ChatTemplateVariables.Validate(Vars($$"""{"a":{{big}}}"""));
    }

    [Fact]
    public void LlamaCppBuiltInFormatsCannotReadVariables()
    {
        using var tiny = HostFixture.LoadTiny("chatml");
        Assert.False(tiny.Template.ReadsVariables);
        var ex = Assert.Throws<ChatTemplateVariableException>(() => tiny.Template.Render(Hi, new ChatRenderOptions { TemplateVariables = Vars("""{"enable_thinking":false}""") }));
        Assert.Contains("built-in", ex.Message);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", tiny.Template.Render(Hi, new ChatRenderOptions { TemplateVariables = Vars("{}") }));
    }
}
