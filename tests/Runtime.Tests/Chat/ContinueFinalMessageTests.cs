using Llm.Runtime.Chat;
using Llm.Runtime.Tests.Inference;

namespace Llm.Runtime.Tests.Chat;

/// <summary>Assistant prefill (continue_final_message) on real templates: the prompt ends right after the final message's content.</summary>
public sealed class ContinueFinalMessageTests
{
    private static readonly ChatRenderOptions Continue = new() { AddGenerationPrompt = false, ContinueFinalMessage = true };

    private static ChatTemplate Golden(string file, string bos = "", string eos = "") => ChatTemplate.FromJinja(SharedTemplates.Read(file), new SpecialTokenText(bos, eos));

    private static ChatPromptMessage[] Prefill(string content) => [new("system", "sys"), new("user", "hi"), new("assistant", content)];

    [Fact]
    public void Qwen25EndsInsideTheAssistantTurnRightAfterTheContent()
    {
        var qwen = Golden("Qwen-Qwen2.5-7B-Instruct.jinja");
        var opened = qwen.Render(Prefill("abc")[..2]);
        Assert.EndsWith("<|im_start|>assistant\n", opened);
        Assert.Equal(opened + "abc", qwen.Render(Prefill("abc"), Continue));
        // Without continuing, the same conversation closes the turn.
        Assert.EndsWith("abc<|im_end|>\n", qwen.Render(Prefill("abc"), new ChatRenderOptions { AddGenerationPrompt = false }));
    }

    [Theory]
    [InlineData("end")]
    [InlineData("m")]
    [InlineData("|>")]
    public void ContentThatAlsoOccursInTheEndOfTurnMarkerIsFoundWhereTheTemplatePrintsIt(string content)
    {
        // Cutting at the content's last occurrence (transformers) would find these inside "<|im_end|>".
        var qwen = Golden("Qwen-Qwen2.5-7B-Instruct.jinja");
        Assert.Equal(qwen.Render(Prefill(content)[..2]) + content, qwen.Render(Prefill(content), Continue));
    }

    [Fact]
    public void EmptyContentOpensTheAssistantTurn()
    {
        var qwen = Golden("Qwen-Qwen2.5-7B-Instruct.jinja");
        Assert.Equal(qwen.Render(Prefill("")[..2]), qwen.Render(Prefill(""), Continue));
    }

    [Fact]
    public void TrailingWhitespaceStaysOnlyWhenTheTemplatePrintsIt()
    {
        var qwen = Golden("Qwen-Qwen2.5-7B-Instruct.jinja");
        Assert.EndsWith("<|im_start|>assistant\nabc \n", qwen.Render(Prefill("abc \n"), Continue));
        // Llama 3.1 trims message content, so the prompt ends at the text.
        var llama = Golden("meta-llama-Llama-3.1-8B-Instruct.jinja", "<|begin_of_text|>", "<|eot_id|>");
        Assert.EndsWith("<|start_header_id|>assistant<|end_header_id|>\n\nabc", llama.Render(Prefill("abc  "), Continue));
    }

    [Fact]
    public void DeepSeekR1PrefillCanOpenTheThinkBlock()
    {
        var r1 = Golden("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>");
        Assert.Equal("<｜begin▁of▁sentence｜>sys<｜User｜>hi<｜Assistant｜>abc", r1.Render(Prefill("abc"), Continue));
        // "<think>\n" continued is exactly the template's own generation prompt.
        Assert.Equal(r1.Render(Prefill("")[..2]), r1.Render(Prefill("<think>\n"), Continue));
        Assert.EndsWith("<｜Assistant｜><think>\n", r1.Render(Prefill("")[..2]));
    }

    [Fact]
    public void ATemplateThatRewritesTheContentCannotContinueIt()
    {
        // R1 prints only what follows "</think>" of an assistant message, so the message as given is not in the prompt.
        var r1 = Golden("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", "<s>", "</s>");
        var ex = Assert.Throws<ChatTemplateException>(() => r1.Render(Prefill("<think>plan</think>answer"), Continue));
        Assert.Contains("cannot be continued", ex.Message);
    }

    [Fact]
    public void Qwen3PrefillFollowsItsEmptyThinkBlock()
    {
        var qwen3 = TemplateVariablesTests.Qwen3();
        Assert.Equal("<|im_start|>system\nsys<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nabc", qwen3.Render(Prefill("abc"), Continue));
        var withVariables = Continue with { TemplateVariables = TemplateVariablesTests.Vars("""{"enable_thinking":false}""") };
        Assert.EndsWith("<|im_start|>assistant\n<think>\n\n</think>\n\nabc", qwen3.Render(Prefill("abc"), withVariables));
    }

    [Fact]
    public void LlamaCppBuiltInFormatsContinueToo()
    {
        using var tiny = HostFixture.LoadTiny("chatml");
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nabc", tiny.Template.Render([new("user", "hi"), new("assistant", "abc")], Continue));
    }

    [Fact]
    public void MisuseIsAnArgumentError()
    {
        var qwen = Golden("Qwen-Qwen2.5-7B-Instruct.jinja");
        Assert.Throws<ArgumentException>(() => qwen.Render(Prefill("abc"), Continue with { AddGenerationPrompt = true }));
        Assert.Throws<ArgumentException>(() => qwen.Render(Prefill("abc")[..2], Continue));
        ChatPromptMessage[] calls = [new("user", "hi"), new("assistant", null) { ToolCalls = [new("call_1", "f", "{}")] }];
        Assert.Throws<ArgumentException>(() => qwen.Render(calls, Continue));
    }
}
