using Llm.Runtime.Chat.Pipeline;
using Llm.Runtime.Inference;

namespace Llm.Api.Generation;

/// <summary>Maps finish reasons to OpenAI's enum strings (clients reject anything else).</summary>
internal static class FinishReasons
{
    public static string ToWire(FinishReason reason) => reason switch
    {
        FinishReason.Length => "length",
        _ => "stop",
    };

    public static string ToWire(ChatFinishReason reason) => reason switch
    {
        ChatFinishReason.Length => "length",
        ChatFinishReason.ToolCalls => "tool_calls",
        _ => "stop",
    };
}
