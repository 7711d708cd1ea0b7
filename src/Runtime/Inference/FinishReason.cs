namespace Llm.Runtime.Inference;

/// <summary>Why a sequence ended.</summary>
public enum FinishReason
{
    /// <summary>An end-of-generation token or a stop string.</summary>
    Stop,

    /// <summary>The requested maximum number of tokens, or the end of the context.</summary>
    Length,
}
