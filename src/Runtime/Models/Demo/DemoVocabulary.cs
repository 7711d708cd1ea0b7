using Llm.Runtime.Gguf;

namespace Llm.Runtime.Models.Demo;

/// <summary>The demo model's fixed 356-token SentencePiece vocabulary, in the GGUF arrays llama.cpp reads.</summary>
internal static class DemoVocabulary
{
    /// <summary>llama.cpp's llama_token_type values.</summary>
    public const int Normal = 1, Unknown = 2, Control = 3, Byte = 6;

    public static string[] Pieces()
    {
        var pieces = new string[DemoModel.VocabularySize];
        for (var t = 0; t < pieces.Length; t++)
            pieces[t] = DemoModel.PieceOf(t);
        return pieces;
    }

    public static int[] TokenTypes()
    {
        var types = new int[DemoModel.VocabularySize];
        for (var t = 0; t < types.Length; t++)
        {
            types[t] = t switch
            {
                DemoModel.UnknownToken => Unknown,
                < DemoModel.FirstByteToken => Control,
                < DemoModel.FirstPrintableToken => Byte,
                <= DemoModel.LastPrintableToken => Normal,
                _ => Control,
            };
        }
        return types;
    }

    /// <summary>
    /// Scores only steer SentencePiece merges; every piece here is a single character, so nothing merges and
    /// the scores just follow the usual convention (0 for special and byte pieces, falling with id otherwise).
    /// </summary>
    public static float[] Scores()
    {
        var scores = new float[DemoModel.VocabularySize];
        for (var t = DemoModel.FirstPrintableToken; t <= DemoModel.LastPrintableToken; t++)
            scores[t] = -(t - DemoModel.FirstPrintableToken);
        return scores;
    }

    public static void AddTo(GgufWriter writer)
    {
        writer
            .Set("tokenizer.ggml.model", GgufValue.String("llama"))
            .Set("tokenizer.ggml.tokens", GgufValue.Array<string>(Pieces()))
            .Set("tokenizer.ggml.scores", GgufValue.Array<float>(Scores()))
            .Set("tokenizer.ggml.token_type", GgufValue.Array<int>(TokenTypes()))
            .Set("tokenizer.ggml.bos_token_id", GgufValue.UInt32(DemoModel.BeginOfSequenceToken))
            .Set("tokenizer.ggml.eos_token_id", GgufValue.UInt32(DemoModel.EndOfSequenceToken))
            .Set("tokenizer.ggml.unknown_token_id", GgufValue.UInt32(DemoModel.UnknownToken))
            .Set("tokenizer.ggml.eot_token_id", GgufValue.UInt32(DemoModel.EndOfTurnToken))
            .Set("tokenizer.ggml.add_bos_token", GgufValue.Bool(true))
            .Set("tokenizer.ggml.add_eos_token", GgufValue.Bool(false))
            .Set("tokenizer.ggml.add_space_prefix", GgufValue.Bool(true))
            .Set("tokenizer.chat_template", GgufValue.String(DemoModel.ChatTemplate));
    }
}
