using System.Text.Json;
using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Tools;
using Llm.Tests.Families;

namespace Llm.Runtime.Tests.Chat.Tools;

/// <summary>
/// Tools and tool results reach the prompt of templates without a tool section even when they drop system messages
/// (Phi-3.5 prints only non-empty system turns; the hand-written one below none) or refuse a tool role (Gemma 3
/// demands user/assistant alternation).
/// </summary>
public sealed class ToolPolyfillTests
{
    private static readonly JsonElement Clock = JsonDocument.Parse(
        """{"type":"function","function":{"name":"get_time","description":"Time in a city, e.g. 'Paris' <local>.","parameters":{"type":"object"}}}""").RootElement;

    // Phi-3's own template, less the system branch: only user and assistant turns are printed.
    private const string UserAssistantOnly =
        "{% for message in messages %}{% if message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}"
        + "{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}";

    private static readonly ChatPromptMessage[] RoundTrip =
    [
        new("user", "time?"),
        new("assistant", null) { ToolCalls = [new("call_1", "get_time", """{"city":"Paris"}""")] },
        new("tool", "12:00") { ToolCallId = "call_1" },
    ];

    private static ChatTemplate Phi35() => ChatTemplate.FromJinja(SharedTemplates.Read("microsoft-Phi-3.5-mini-instruct.jinja"), new SpecialTokenText("<s>", "<|endoftext|>"));

    private static ChatTemplate Gemma3()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(HuggingFaceTokenizers.Folder("gemma3"), "tokenizer_config.json")));
        return ChatTemplate.FromJinja(config.RootElement.GetProperty("chat_template").GetString()!, new SpecialTokenText("<bos>", "<eos>"));
    }

    [Fact]
    public void ProbesFindWhichRolesATemplatePrints()
    {
        var phi = Phi35();
        Assert.True(phi.PrintsSystemMessages);
        Assert.False(phi.PrintsToolMessages);
        var gemma = Gemma3();
        Assert.True(gemma.PrintsSystemMessages);
        Assert.False(gemma.PrintsToolMessages);
        var bare = ChatTemplate.FromJinja(UserAssistantOnly, new SpecialTokenText("", ""));
        Assert.False(bare.PrintsSystemMessages);
        Assert.False(bare.PrintsToolMessages);
        var chatml = ChatTemplate.FromJinja(ChatTemplate.DefaultTemplate, new SpecialTokenText("", ""));
        Assert.True(chatml.PrintsSystemMessages);
        Assert.True(chatml.PrintsToolMessages);
    }

    [Fact]
    public void Phi35PromptHoldsTheToolsAndTheToolResultBeforeTheAssistantHeader()
    {
        var prompt = Phi35().Render(RoundTrip, new ChatRenderOptions { Tools = [Clock] });
        Assert.Contains(GenericToolPrompt.Preamble, prompt);
        Assert.Contains("\"name\":\"get_time\"", prompt);
        Assert.EndsWith(
            "<|assistant|>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"city\":\"Paris\"}}\n</tool_call><|end|>\n"
            + "<|user|>\n<tool_response>\n12:00\n</tool_response><|end|>\n<|assistant|>\n",
            prompt);
    }

    [Fact]
    public void ToolJsonIsWrittenAsTextNotAsHtmlEscapes()
    {
        var prompt = Phi35().Render([new("user", "time?")], new ChatRenderOptions { Tools = [Clock] });
        Assert.Contains("e.g. 'Paris' <local>.", prompt);
        Assert.DoesNotContain("\\u00", prompt);
    }

    [Fact]
    public void WithoutASystemRoleToolsAndTheClientsSystemTextGoIntoTheFirstUserMessage()
    {
        var template = ChatTemplate.FromJinja(UserAssistantOnly, new SpecialTokenText("", ""));
        var prompt = template.Render([new("system", "be brief"), new("user", "time?")], new ChatRenderOptions { Tools = [Clock] });
        Assert.StartsWith("<|user|>\nbe brief\n\n" + GenericToolPrompt.Preamble, prompt);
        Assert.Contains("\"name\":\"get_time\"", prompt);
        Assert.EndsWith("</tools>\n\ntime?<|end|>\n<|assistant|>\n", prompt);
    }

    [Fact]
    public void Gemma3AcceptsAToolRoundTripAndItsPromptHoldsTheResult()
    {
        var prompt = Gemma3().Render(RoundTrip, new ChatRenderOptions { Tools = [Clock] });
        Assert.StartsWith("<bos><start_of_turn>user\n" + GenericToolPrompt.Preamble, prompt);
        Assert.EndsWith(
            "<start_of_turn>model\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"city\":\"Paris\"}}\n</tool_call><end_of_turn>\n"
            + "<start_of_turn>user\n<tool_response>\n12:00\n</tool_response><end_of_turn>\n<start_of_turn>model\n",
            prompt);
    }

    [Fact]
    public void ConsecutiveToolResultsAndAFollowingUserMessageBecomeOneUserTurn()
    {
        var prompt = Gemma3().Render(
        [
            new("user", "time?"),
            new("assistant", null) { ToolCalls = [new("call_1", "get_time", "{}"), new("call_2", "get_time", "{}")] },
            new("tool", "12:00") { ToolCallId = "call_1" },
            new("tool", "13:00") { ToolCallId = "call_2" },
            new("user", "thanks"),
        ]);
        Assert.EndsWith(
            "<start_of_turn>user\n<tool_response>\n12:00\n</tool_response>\n\n<tool_response>\n13:00\n</tool_response>\n\nthanks<end_of_turn>\n<start_of_turn>model\n",
            prompt);
    }
}
