namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// The values of <c>tokenizer.ggml.token_type</c>, as gguf-py's <c>TokenType</c> and llama.cpp's
/// <c>llama_token_type</c> number them (SentencePiece's types shifted by one).
/// </summary>
public enum HuggingFaceTokenType
{
    /// <summary>A token of the model's own vocabulary.</summary>
    Normal = 1,

    /// <summary>The unknown token (<c>unk_token</c>).</summary>
    Unknown = 2,

    /// <summary>An added token marked <c>special</c> (or looking special to llama.cpp's converter): matched in text
    /// only when special tokens are parsed, rendered as nothing unless special tokens are rendered.</summary>
    Control = 3,

    /// <summary>An added token not marked <c>special</c>: always matched in text, always rendered.</summary>
    UserDefined = 4,

    /// <summary>A hole in the id range, filled with <c>[PAD{id}]</c> as llama.cpp's converter fills it.</summary>
    Unused = 5,

    /// <summary>A byte-fallback token <c>&lt;0xXX&gt;</c> of a SentencePiece-style vocabulary.</summary>
    Byte = 6,
}
