using Llm.Runtime.Chat;
using Llm.Runtime.Gguf;
using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;
using Llm.Runtime.Tests.Inference;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Tests.Chat;

public sealed class ChatTemplateTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly ChatPromptMessage[] Conversation = [new("system", "sys"), new("user", "hi")];

    private static ModelHost Load(string path, string? chatTemplate = null)
        => ModelHost.Load(new ModelSettings { Name = "m", Path = path, ContextSize = 512, Threads = 2, ChatTemplate = chatTemplate }, NullLoggerFactory.Instance);

    private static string DemoWithTemplate(string template)
    {
        var path = Path.Combine(Path.GetTempPath(), $"llm-demo-template-{Guid.NewGuid():N}.gguf");
        DemoModelBuilder.Create().Set("tokenizer.chat_template", GgufValue.String(template)).WriteFile(path);
        return path;
    }

    [Fact]
    public void ModelTemplateIsRenderedByTheJinjaEngine()
    {
        Assert.Equal("model", fixture.Demo.Template.Source);
        Assert.Equal("<|im_start|>system\nsys<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", fixture.Demo.Template.Render(Conversation));
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n", fixture.Demo.Template.Render([new("user", "hi")], new ChatRenderOptions { AddGenerationPrompt = false }));
    }

    [Fact]
    public void DeveloperRoleRendersAsSystem()
    {
        Assert.StartsWith("<|im_start|>system\nrules", fixture.Demo.Template.Render([new("developer", "rules"), new("user", "hi")]));
    }

    [Fact]
    public void ModelWithoutTemplateGetsTheDocumentedChatMlDefault()
    {
        using var tiny = HostFixture.LoadTiny();
        Assert.Null(tiny.Info.ChatTemplate);
        Assert.Equal("default (chatml)", tiny.Template.Source);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", tiny.Template.Render([new("user", "hi")]));
    }

    [Fact]
    public void OverrideByBuiltInNameUsesLlamaCpp()
    {
        using var tiny = HostFixture.LoadTiny("llama3");
        Assert.Equal("override", tiny.Template.Source);
        var prompt = tiny.Template.Render([new("user", "hi")]);
        Assert.Contains("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>", prompt);
        Assert.EndsWith("<|start_header_id|>assistant<|end_header_id|>\n\n", prompt);
    }

    [Fact]
    public void OverrideByTemplateFileRendersItWithTheModelsBos()
    {
        using var tiny = HostFixture.LoadTiny(SharedTemplates.PathOf("mistralai-Mistral-Nemo-Instruct-2407.jinja"));
        Assert.Equal("override", tiny.Template.Source);
        Assert.Equal("<s>[INST]hi[/INST]", tiny.Template.Render([new("user", "hi")]));
        var tokens = tiny.TokenizeChat(ChatPrompt.FromTemplateText("<s>[INST]hi[/INST]"));
        Assert.Equal(1, tokens[0]);
        Assert.NotEqual(1, tokens[1]);
    }

    [Fact]
    public void UnknownOverrideNameIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => HostFixture.LoadTiny("no-such-format"));
        Assert.Contains("built-in", ex.Message);
        Assert.Throws<ArgumentException>(() => HostFixture.LoadTiny("{% if %}"));
    }

    [Fact]
    public void TemplateTheEngineCannotParseFallsBackToLlamaCpp()
    {
        var path = DemoWithTemplate("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{% unknowntag %}");
        try
        {
            using var host = Load(path);
            Assert.Equal("llama.cpp", host.Template.Source);
            Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", host.Template.Render([new("user", "hi")]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RaiseExceptionBecomesAChatTemplateExceptionWithTheTemplatesMessage()
    {
        var mistral = ChatTemplate.FromJinja(SharedTemplates.Read("mistralai-Mistral-Nemo-Instruct-2407.jinja"), new SpecialTokenText("<s>", "</s>"));
        var ex = Assert.Throws<ChatTemplateException>(() => mistral.Render([new("user", "a"), new("user", "b")]));
        Assert.Equal("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...", ex.Message);
    }

    [Fact]
    public void ClientToolCallIdsAreRewrittenWhenTheTemplateDemandsItsOwnForm()
    {
        var mistral = ChatTemplate.FromJinja(SharedTemplates.Read("mistralai-Mistral-Nemo-Instruct-2407.jinja"), new SpecialTokenText("<s>", "</s>"));
        var prompt = mistral.Render(
        [
            new("user", "weather?"),
            new("assistant", null) { ToolCalls = [new("call_1", "get_weather", """{"city": "Paris"}""")] },
            new("tool", "sunny") { ToolCallId = "call_1", Name = "get_weather" },
        ]);
        var ids = System.Text.RegularExpressions.Regex.Matches(prompt, "\"(?:id|call_id)\": \"([A-Za-z0-9]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, ids.Count);
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9]{9}$", id));
        Assert.Equal(ids[0], ids[1]);
        Assert.Contains("\"arguments\": {\"city\": \"Paris\"}", prompt);
    }

    [Fact]
    public void SyntaxErrorsInRequestTemplatesNameLineAndColumn()
    {
        var ex = Assert.Throws<ChatTemplateException>(() => ChatTemplate.FromJinja("line one\n{{ messages[0] ", new SpecialTokenText("", "")));
        Assert.Contains("line 2", ex.Message);
        Assert.Contains("column", ex.Message);
    }

    [Fact]
    public void BosPrintedByTheTemplateIsNotAddedTwice()
    {
        var once = fixture.Demo.TokenizeChat(ChatPrompt.FromTemplateText("<s>hello"));
        Assert.Equal(DemoModel.BeginOfSequenceToken, once[0]);
        Assert.NotEqual(DemoModel.BeginOfSequenceToken, once[1]);
        Assert.Equal(DemoModel.BeginOfSequenceToken, fixture.Demo.TokenizeChat(ChatPrompt.FromTemplateText("hello"))[0]);
    }
}
