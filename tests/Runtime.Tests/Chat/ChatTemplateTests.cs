using Llm.Runtime.Chat;
using Llm.Runtime.Tests.Inference;

namespace Llm.Runtime.Tests.Chat;

public sealed class ChatTemplateTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly ChatPromptMessage[] Conversation = [new("system", "sys"), new("user", "hi")];

    [Fact]
    public void ModelTemplateIsDetectedAsChatMl()
    {
        Assert.Equal("model", fixture.Demo.Template.Source);
        Assert.Equal("<|im_start|>system\nsys<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", fixture.Demo.Template.Render(Conversation));
    }

    [Fact]
    public void DeveloperRoleRendersAsSystem()
    {
        Assert.StartsWith("<|im_start|>system\nrules", fixture.Demo.Template.Render([new("developer", "rules"), new("user", "hi")]));
    }

    [Fact]
    public void ModelWithoutTemplateFallsBackToChatMl()
    {
        using var tiny = HostFixture.LoadTiny();
        Assert.Null(tiny.Info.ChatTemplate);
        Assert.Equal("fallback (chatml)", tiny.Template.Source);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", tiny.Template.Render([new("user", "hi")]));
    }

    [Fact]
    public void OverrideByBuiltInNameWins()
    {
        using var tiny = HostFixture.LoadTiny("llama3");
        Assert.Equal("override", tiny.Template.Source);
        var prompt = tiny.Template.Render([new("user", "hi")]);
        Assert.Contains("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>", prompt);
        Assert.EndsWith("<|start_header_id|>assistant<|end_header_id|>\n\n", prompt);
    }

    [Fact]
    public void UnknownOverrideIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => HostFixture.LoadTiny("{{ not a known template }}"));
        Assert.Contains("override", ex.Message);
    }
}
