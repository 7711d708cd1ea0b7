using Llm.Runtime.Inference;

namespace Llm.Api.Generation;

/// <summary>Maps engine finish reasons to OpenAI's enum strings (clients reject anything else).</summary>
internal static class FinishReasons
{
    public static string ToWire(FinishReason reason) => reason switch
    {
        FinishReason.Length => "length",
        _ => "stop",
    };
}
