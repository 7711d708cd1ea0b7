namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// Token texts llama.cpp's vocabulary loader (<c>src/llama-vocab.cpp</c>, <c>llama_vocab::impl::load</c>) recognises
/// on its own, and the texts its converter treats as control tokens even when <c>tokenizer.json</c> does not mark them
/// special (<c>convert_hf_to_gguf.py</c>, <c>does_token_look_special</c>).
/// </summary>
internal static class LlamaCppSpecialTexts
{
    /// <summary>End-of-turn texts, in the order a writer prefers them when the EOS token is not one.</summary>
    public static IReadOnlyList<string> EndOfTurn { get; } =
        ["<|eot_id|>", "<|im_end|>", "<end_of_turn>", "<|end|>", "<|endoftext|>", "<EOT>", "<｜end▁of▁sentence｜>"];

    /// <summary>The end-of-message text (Llama 3.1's tool-call turn end).</summary>
    public const string EndOfMessage = "<|eom_id|>";

    /// <summary>Whether llama.cpp's converter makes an added token a control token whatever its <c>special</c> flag.</summary>
    public static bool LooksSpecial(string text) =>
        text is "<pad>" or "<mask>" or "<2mass>" or "[@BOS@]"
        || (text.StartsWith("<|", StringComparison.Ordinal) && text.EndsWith("|>", StringComparison.Ordinal))
        || (text.StartsWith("<｜", StringComparison.Ordinal) && text.EndsWith("｜>", StringComparison.Ordinal))
        || (text.StartsWith("<unused", StringComparison.Ordinal) && text.EndsWith('>'));
}
