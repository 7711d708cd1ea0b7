namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// Scores for llama.cpp's SentencePiece tokenizer (<c>llm_tokenizer_spm</c>) that make it reproduce a Hugging Face BPE
/// model with merges: llama.cpp repeatedly joins the adjacent pair whose joined text is the token with the highest
/// score, leftmost first; BPE joins the pair with the lowest merge rank, leftmost first. So a token made by merge rank
/// <c>r</c> scores <c>-r</c> (its first merge when several make it), and a longer token no merge makes scores below
/// them all, so it is chosen last. Single characters, bytes and added tokens score 0; llama.cpp never ranks them.
/// </summary>
internal static class SentencePieceScores
{
    public static float[] FromMerges(IReadOnlyList<string> tokens, IReadOnlyDictionary<string, int> ids, IReadOnlyList<(string Left, string Right)> merges)
    {
        var scores = new float[tokens.Count];
        var ranked = new bool[tokens.Count];
        for (var rank = 0; rank < merges.Count; rank++)
        {
            if (ids.TryGetValue(merges[rank].Left + merges[rank].Right, out var id) && id < scores.Length && !ranked[id])
            {
                scores[id] = -rank;
                ranked[id] = true;
            }
        }
        float unreachable = -(float)merges.Count - 1;
        for (var id = 0; id < tokens.Count; id++)
        {
            if (!ranked[id] && tokens[id].EnumerateRunes().Skip(1).Any())
                scores[id] = unreachable;
        }
        return scores;
    }
}
