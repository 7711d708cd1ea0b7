namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>Overrides for <see cref="HuggingFaceVocabulary"/>; every property left null keeps what the files say.</summary>
public sealed record HuggingFaceVocabularyOptions
{
    /// <summary>
    /// The <c>tokenizer.ggml.pre</c> name (llama.cpp's pre-tokenizer, e.g. <c>llama-bpe</c>, <c>qwen2</c>), used instead
    /// of detecting it from the <c>pre_tokenizer</c> regex; needed for regexes the detector does not know.
    /// </summary>
    public string? Pre { get; init; }

    /// <summary>
    /// New texts for some token ids, applied before special tokens are resolved (e.g. Llama 3.1's renames of 3.0's
    /// reserved tokens: 128008 becomes <c>&lt;|eom_id|&gt;</c>). Each id must be inside the vocabulary.
    /// </summary>
    public IReadOnlyDictionary<int, string>? Renames { get; init; }

    /// <summary>The chat template to write instead of the one in <c>tokenizer_config.json</c>.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>
    /// The least number of tokens to write (a model's <c>vocab_size</c>, often padded past the tokenizer's last id);
    /// ids past the tokenizer's are written as <c>[PAD{id}]</c> of type unused, as llama.cpp's converter does.
    /// </summary>
    public int? MinimumTokenCount { get; init; }
}
