namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>One entry of <c>tokenizer.json</c>'s <c>added_tokens</c>: matched in text before the model runs.</summary>
internal sealed record HuggingFaceAddedToken(int Id, string Content, bool Special);
