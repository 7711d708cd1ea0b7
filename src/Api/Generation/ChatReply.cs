using Llm.Api.Contracts;
using Llm.Runtime.Chat.Pipeline;

namespace Llm.Api.Generation;

/// <summary>What every part of one chat completion shares: its id, time and model, and how its parts are written.</summary>
internal sealed record ChatReply(string Id, long Created, string Model)
{
    /// <summary>A new tool-call id (OpenAI's <c>call_</c> prefix).</summary>
    public string NewCallId() => ResponseIds.New("call_");

    /// <summary>The final message of a collected choice.</summary>
    public AssistantMessage Message(ChatChoiceResult choice)
    {
        var calls = choice.ToolCalls.Count == 0 ? null : choice.ToolCalls.Select(c => new ToolCallOut(NewCallId(), new FunctionCallOut(c.Name, c.Arguments))).ToArray();
        return new AssistantMessage(choice.Content, calls, choice.Reasoning);
    }

    /// <summary>OpenAI's usage object.</summary>
    public Usage Usage(ChatUsage usage) => new(usage.PromptTokens, usage.CompletionTokens, new PromptTokensDetails(usage.CachedTokens))
    {
        CompletionTokensDetails = new CompletionTokensDetails(usage.ReasoningTokens),
    };
}
