using System.Text.Json;
using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Tests.Inference;

namespace Llm.Runtime.Tests.Chat.Tools;

public sealed class ToolPromptTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly JsonElement Weather = JsonDocument.Parse("""{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}""").RootElement;

    [Theory]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja", true)]
    [InlineData("meta-llama-Llama-3.1-8B-Instruct.jinja", true)]
    [InlineData("mistralai-Mistral-Nemo-Instruct-2407.jinja", true)]
    [InlineData("google-gemma-2-2b-it.jinja", false)]
    [InlineData("microsoft-Phi-3.5-mini-instruct.jinja", false)]
    public void ToolSectionsAreDetectedByRendering(string file, bool rendersTools)
    {
        var template = ChatTemplate.FromJinja(SharedTemplates.Read(file), new SpecialTokenText("<s>", "</s>"));
        Assert.Equal(rendersTools, template.RendersTools);
    }

    [Fact]
    public void TemplateWithoutToolSectionGetsTheGenericPrompt()
    {
        Assert.False(fixture.Demo.Template.RendersTools);
        var prompt = fixture.Demo.Template.Render([new("system", "be brief"), new("user", "weather in Paris?")], new ChatRenderOptions { Tools = [Weather] });
        Assert.StartsWith("<|im_start|>system\nbe brief\n\n" + GenericToolPrompt.Preamble, prompt);
        Assert.Contains("\"name\":\"get_weather\"", prompt);
        Assert.EndsWith("</tools><|im_end|>\n<|im_start|>user\nweather in Paris?<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void EarlierCallsAndResultsBecomeTaggedText()
    {
        var prompt = fixture.Demo.Template.Render(
        [
            new("user", "weather?"),
            new("assistant", null) { ToolCalls = [new("call_1", "get_weather", """{"city":"Paris"}""")] },
            new("tool", "sunny") { ToolCallId = "call_1" },
        ]);
        Assert.Contains("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\":\"Paris\"}}\n</tool_call><|im_end|>", prompt);
        Assert.Contains("<|im_start|>tool\n<tool_response>\nsunny\n</tool_response><|im_end|>", prompt);
    }

    [Fact]
    public void NativeToolSectionReceivesTheTools()
    {
        var qwen = ChatTemplate.FromJinja(SharedTemplates.Read("Qwen-Qwen2.5-7B-Instruct.jinja"), new SpecialTokenText("", "<|im_end|>"));
        var prompt = qwen.Render([new("user", "hi")], new ChatRenderOptions { Tools = [Weather] });
        Assert.Contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"", prompt);
        Assert.DoesNotContain(GenericToolPrompt.Preamble, prompt);
    }
}
