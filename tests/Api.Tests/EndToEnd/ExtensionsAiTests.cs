using System.ClientModel;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Llm.Api.Tests.EndToEnd;

[Collection(ServerCollection.Name)]
public sealed class ExtensionsAiTests(ServerFixture server)
{
    private IChatClient Client()
        => new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.V1 }).GetChatClient("demo").AsIChatClient();

    [Fact]
    public async Task GetResponseReturnsTextFinishReasonAndUsage()
    {
        using var client = Client();
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "sys"), new ChatMessage(ChatRole.User, "hello")],
            new ChatOptions { Temperature = 0, MaxOutputTokens = 100 });
        Assert.Equal(DemoModel.ChatReply, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(DemoModel.ChatReply.Length, response.Usage?.OutputTokenCount);
        Assert.Equal("demo", response.ModelId);
    }

    [Fact]
    public async Task StreamingResponseAssemblesTheSameReply()
    {
        using var client = Client();
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("hello", new ChatOptions { Temperature = 0, MaxOutputTokens = 10 })) updates.Add(update);
        var response = updates.ToChatResponse();
        Assert.Equal(DemoModel.ChatReply[..10], response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(10, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task StopSequencesAreHonoured()
    {
        using var client = Client();
        var response = await client.GetResponseAsync("hello", new ChatOptions { Temperature = 0, StopSequences = ["klm"] });
        Assert.Equal("abcdefghij", response.Text);
    }
}
