using Llm.Runtime.Extensions.AI;
using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;
using Llm.Runtime.Tests.Inference;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Llm.Runtime.Tests.Extensions.AI;

public sealed class LlmChatClientTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0 };

    [Fact]
    public async Task ResponseHasTheReplyFinishReasonUsageAndModel()
    {
        using var client = new LlmChatClient(fixture.Demo);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "sys"), new ChatMessage(ChatRole.User, "hello")], Greedy);
        Assert.Equal(DemoModel.ChatReply, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(DemoModel.ChatReply.Length, response.Usage?.OutputTokenCount);
        Assert.True(response.Usage?.InputTokenCount > 5);
        Assert.Equal("demo", response.ModelId);
    }

    [Fact]
    public async Task StreamingAddsUpToTheSameReply()
    {
        using var client = new LlmChatClient(fixture.Demo);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("hello", new ChatOptions { Temperature = 0, MaxOutputTokens = 7 })) updates.Add(update);
        var response = updates.ToChatResponse();
        Assert.Equal("abcdefg", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
    }

    [Fact]
    public async Task StopSequencesAndInstructionsAreHonoured()
    {
        using var client = new LlmChatClient(fixture.Demo);
        var response = await client.GetResponseAsync("hello", new ChatOptions { Temperature = 0, StopSequences = ["mno"], Instructions = "be brief" });
        Assert.Equal("abcdefghijkl", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task SixteenConcurrentCallsEachGetTheirReply()
    {
        using var client = new LlmChatClient(fixture.Demo);
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => client.GetResponseAsync("hello", new ChatOptions { Temperature = 0, MaxOutputTokens = 1 + i })));
        for (var i = 0; i < responses.Length; i++) Assert.Equal(DemoModel.ChatReply[..(1 + i)], responses[i].Text);
    }

    [Fact]
    public async Task EachClientReusesOnlyItsOwnPartitionsPrompts()
    {
        var partition = Guid.NewGuid().ToString("N");
        using var owner = new LlmChatClient(fixture.Demo, "owner-" + partition);
        using var stranger = new LlmChatClient(fixture.Demo, "stranger-" + partition);
        ChatMessage[] messages = [new(ChatRole.System, "the secret is 4711 " + partition), new(ChatRole.User, "hello")];

        var first = await owner.GetResponseAsync(messages, Greedy);
        Assert.Equal(0, first.Usage?.CachedInputTokenCount);
        var again = await owner.GetResponseAsync(messages, Greedy);
        Assert.Equal(again.Usage?.InputTokenCount - 1, again.Usage?.CachedInputTokenCount);
        var other = await stranger.GetResponseAsync(messages, Greedy);
        Assert.Equal(0, other.Usage?.CachedInputTokenCount);
        var streamed = (await stranger.GetStreamingResponseAsync(messages, Greedy).ToChatResponseAsync()).Usage;
        Assert.Equal(streamed?.InputTokenCount - 1, streamed?.CachedInputTokenCount);
    }

    [Fact]
    public async Task OneDiCallRegistersChatAndEmbeddings()
    {
        var folder = Directory.CreateTempSubdirectory("llm-di-").FullName;
        var services = new ServiceCollection().AddLlm(new ModelSettings { Name = "demo", Path = DemoModel.EnsureBuilt(folder), ContextSize = 512, Threads = 2 });
        await using (var provider = services.BuildServiceProvider())
        {
            var chat = provider.GetRequiredService<IChatClient>();
            Assert.Equal(DemoModel.ChatReply, (await chat.GetResponseAsync("hi", Greedy)).Text);
            var embeddings = await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["abc", "cba"]);
            Assert.Equal(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
            Assert.Equal(1f, MathF.Sqrt(embeddings[0].Vector.ToArray().Sum(v => v * v)), 3);
            Assert.Equal("demo", chat.GetService<ChatClientMetadata>()?.DefaultModelId);
        }
        Directory.Delete(folder, recursive: true);
    }
}
