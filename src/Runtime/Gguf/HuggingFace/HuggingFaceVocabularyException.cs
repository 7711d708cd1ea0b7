namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// Hugging Face tokenizer files that cannot become a GGUF vocabulary: malformed JSON, a model other than BPE, a missing
/// vocabulary, token ids out of range or given twice, special tokens absent from the vocabulary, or a pre-tokenizer
/// llama.cpp has no name for. The message names the file part at fault.
/// </summary>
public sealed class HuggingFaceVocabularyException(string message, Exception? inner = null) : Exception(message, inner);
