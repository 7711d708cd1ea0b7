namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// The text and type of every id 0..N-1, as llama.cpp's converter lists them (<c>get_vocab_base</c>): added tokens
/// first, then the model's vocabulary, holes as <c>[PAD{id}]</c> of type unused; renames applied last.
/// </summary>
internal static class HuggingFaceTokenTable
{
    public static (string[] Tokens, HuggingFaceTokenType[] Types) Build(HuggingFaceBpeModel bpe, int count, bool sentencePiece, IReadOnlyDictionary<int, string>? renames)
    {
        var tokens = new string[count];
        var types = new HuggingFaceTokenType[count];
        var added = bpe.Added.ToDictionary(a => a.Id);
        for (var id = 0; id < count; id++)
        {
            if (added.TryGetValue(id, out var token))
            {
                (tokens[id], types[id]) = AddedToken(token, sentencePiece, bpe.Vocab.ContainsKey(id));
            }
            else if (bpe.Vocab.TryGetValue(id, out var text))
            {
                tokens[id] = text;
                types[id] = text == bpe.UnknownToken ? HuggingFaceTokenType.Unknown
                    : sentencePiece && IsByteToken(text) ? HuggingFaceTokenType.Byte
                    : HuggingFaceTokenType.Normal;
            }
            else
            {
                tokens[id] = $"[PAD{id}]";
                types[id] = HuggingFaceTokenType.Unused;
            }
        }
        foreach (var (id, text) in renames ?? new Dictionary<int, string>())
        {
            if (id < 0 || id >= count)
                throw new HuggingFaceVocabularyException($"Cannot rename token {id}: the vocabulary has ids 0..{count - 1}.");
            if (string.IsNullOrEmpty(text))
                throw new HuggingFaceVocabularyException($"Cannot rename token {id} to an empty text.");
            tokens[id] = text;
        }
        return (tokens, types);
    }

    private static (string Text, HuggingFaceTokenType Type) AddedToken(HuggingFaceAddedToken token, bool sentencePiece, bool inModelVocab)
    {
        if (token.Special || LlamaCppSpecialTexts.LooksSpecial(token.Content))
            return (token.Content, HuggingFaceTokenType.Control);
        if (!token.Content.Contains('\u2581'))
            return (token.Content, HuggingFaceTokenType.UserDefined);
        // '▁' in an added token stands for a space. llama.cpp copies user-defined tokens verbatim when it renders them,
        // so a SentencePiece vocabulary keeps such a token of its own model normal (rendered with spaces), and a
        // byte-level one spells the space out, as llama.cpp's converter does.
        return sentencePiece && inModelVocab
            ? (token.Content, HuggingFaceTokenType.Normal)
            : (sentencePiece ? token.Content : token.Content.Replace('\u2581', ' '), HuggingFaceTokenType.UserDefined);
    }

    private static bool IsByteToken(string text) =>
        text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>' && Uri.IsHexDigit(text[3]) && Uri.IsHexDigit(text[4]);
}
