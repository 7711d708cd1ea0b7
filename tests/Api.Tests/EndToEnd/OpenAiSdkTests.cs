using System.ClientModel;
using System.Text;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;
using OpenAI;
using OpenAI.Chat;

#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK, yet clients send it.

namespace Llm.Api.Tests.EndToEnd;

[Collection(ServerCollection.Name)]
public sealed class OpenAiSdkTests(ServerFixture server)
{
    private ChatClient Client(string model = "demo")
        => new(model, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 });

    [Fact]
    public async Task CompleteChatReturnsTheKnownReplyWithUsage()
    {
        ChatCompletion completion = await Client().CompleteChatAsync(
            [new SystemChatMessage("be brief"), new UserChatMessage("hello")],
            new ChatCompletionOptions { Temperature = 0 });
        Assert.Equal(DemoModel.ChatReply, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(DemoModel.ChatReply.Length, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 10);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.InRange(completion.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task MaxOutputTokensEndsWithLength()
    {
        ChatCompletion completion = await Client().CompleteChatAsync(
            [new UserChatMessage("hello")], new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 5 });
        Assert.Equal("abcde", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task StopSequencesEndTheReplyBeforeThem()
    {
        var options = new ChatCompletionOptions { Temperature = 0 };
        options.StopSequences.Add("def");
        ChatCompletion completion = await Client().CompleteChatAsync([new UserChatMessage("hello")], options);
        Assert.Equal("abc", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
    }

    [Fact]
    public async Task StreamingGivesTheSameTextFinishReasonAndUsage()
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var ids = new HashSet<string>();
        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("hello")], new ChatCompletionOptions { Temperature = 0 }))
        {
            ids.Add(update.CompletionId);
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }
        Assert.Equal(DemoModel.ChatReply, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(DemoModel.ChatReply.Length, usage.OutputTokenCount);
        Assert.Single(ids);
    }

    [Fact]
    public async Task UnknownModelSurfacesAs404()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client("no-such-model").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, ex.Status);
        Assert.Contains("model_not_found", ex.Message);
    }

    [Fact]
    public async Task AssistantToolCallsAndToolMessagesAreAccepted()
    {
        var call = ChatToolCall.CreateFunctionToolCall("call_1", "get_weather", BinaryData.FromString("{\"city\":\"Paris\"}"));
        ChatCompletion completion = await Client().CompleteChatAsync(
            [new UserChatMessage("weather?"), new AssistantChatMessage([call]), new ToolChatMessage("call_1", "sunny"), new UserChatMessage("thanks")],
            new ChatCompletionOptions { Temperature = 0, EndUserId = "u1", Seed = 42 });
        Assert.Equal(DemoModel.ChatReply, completion.Content[0].Text);
    }
}
