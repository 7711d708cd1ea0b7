using System.Text.Json;
using Llm.Runtime.Chat;
using Llm.Runtime.Extensions.AI;
using Llm.Runtime.Gguf;
using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;
using Llm.Runtime.Tests.Inference;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Tests.Extensions.AI;

/// <summary>chat_template_kwargs and continue_final_message through <see cref="ChatOptions.AdditionalProperties"/>, on the demo model.</summary>
public sealed class TemplateKwargsTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    // ChatML whose generation prompt is followed by the variable `lead`: the demo model continues from its last letter.
    private const string LeadTemplate = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{{ lead | default('') }}{% endif %}";

    private static ChatOptions Greedy(params (string Key, object? Value)[] properties)
    {
        var options = new ChatOptions { Temperature = 0, AdditionalProperties = [] };
        foreach (var (key, value) in properties) options.AdditionalProperties[key] = value;
        return options;
    }

    [Fact]
    public async Task ContinueFinalMessageAnswersOnlyTheContinuation()
    {
        using var client = new LlmChatClient(fixture.Demo);
        var plain = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], Greedy());
        var prefill = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello"), new ChatMessage(ChatRole.Assistant, "abc")], Greedy(("continue_final_message", true)));
        Assert.Equal(DemoModel.ChatReply[3..], prefill.Text);
        Assert.StartsWith("defgh", prefill.Text);
        // The prefill is prompt: three more input tokens, three fewer output tokens.
        Assert.Equal(plain.Usage!.InputTokenCount + 3, prefill.Usage!.InputTokenCount);
        Assert.Equal(plain.Usage.OutputTokenCount - 3, prefill.Usage.OutputTokenCount);

        var updates = new List<ChatResponseUpdate>();
        var json = JsonDocument.Parse("true").RootElement;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hello"), new ChatMessage(ChatRole.Assistant, "uvw")], Greedy(("continue_final_message", json))))
            updates.Add(update);
        Assert.Equal("xyz.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task TemplateKwargsReachTheTemplateAsDictionaryOrJson()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llm-demo-lead-{Guid.NewGuid():N}.gguf");
        DemoModelBuilder.Create().Set("tokenizer.chat_template", GgufValue.String(LeadTemplate)).WriteFile(path);
        try
        {
            using var host = ModelHost.Load(new ModelSettings { Name = "lead", Path = path, ContextSize = 512, Threads = 2 }, NullLoggerFactory.Instance);
            using var client = new LlmChatClient(host);
            Assert.Equal(DemoModel.ChatReply, (await client.GetResponseAsync("hi", Greedy())).Text);
            Assert.Equal("xyz.", (await client.GetResponseAsync("hi", Greedy(("chat_template_kwargs", new Dictionary<string, object?> { ["lead"] = "uvw" })))).Text);
            var json = JsonDocument.Parse("""{"lead":"pq"}""").RootElement;
            Assert.Equal("rstuvwxyz.", (await client.GetResponseAsync("hi", Greedy(("chat_template_kwargs", json)))).Text);

            await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", Greedy(("chat_template_kwargs", "lead=uvw"))));
            await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", Greedy(("continue_final_message", "yes"))));
            var reserved = await Assert.ThrowsAsync<ChatTemplateVariableException>(() => client.GetResponseAsync("hi", Greedy(("chat_template_kwargs", new Dictionary<string, object?> { ["messages"] = 1 }))));
            Assert.Equal("messages", reserved.Name);
            // Continuing needs the assistant's message last, and the error comes at the call, not at the first read.
            Assert.Throws<ArgumentException>(() => client.GetStreamingResponseAsync("hi", Greedy(("continue_final_message", true))));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
