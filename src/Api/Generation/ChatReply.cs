using Llm.Api.Contracts;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;

namespace Llm.Api.Generation;

/// <summary>What every part of one chat response shares: its id, time, model, and how tool calls are read.</summary>
internal sealed record ChatReply(string Id, long Created, string Model, ToolSettings? Tools, ToolCallFormat ToolCallFormat)
{
    /// <summary>Builds the final message from the whole generated text.</summary>
    public (AssistantMessage Message, string FinishReason) Complete(string text, FinishReason reason)
    {
        if (Tools is null) return (new AssistantMessage(text), FinishReasons.ToWire(reason));
        var parsed = ToolCallParser.Parse(text, ToolCallFormat);
        if (parsed.Calls.Count == 0) return (new AssistantMessage(text), FinishReasons.ToWire(reason));
        return (new AssistantMessage(parsed.Content, ToWire(parsed.Calls)), "tool_calls");
    }

    /// <summary>Numbers the calls and gives them ids; keeps only the first when parallel calls are off.</summary>
    public IReadOnlyList<ToolCallOut> ToWire(IReadOnlyList<ParsedToolCall> calls)
    {
        var kept = Tools is { Parallel: false } && calls.Count > 1 ? calls.Take(1) : calls;
        return kept.Select(call => new ToolCallOut(ResponseIds.New("call_"), new FunctionCallOut(call.Name, call.Arguments))).ToArray();
    }
}
