using System.Text;
using Llm.Api.Contracts;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;

namespace Llm.Api.Generation;

/// <summary>Turns engine log-probabilities into OpenAI's chat and legacy-completions shapes.</summary>
internal static class LogprobsMapper
{
    public static ChatLogprobs? ToChat(IReadOnlyList<TokenLogprob>? items, ModelHost model)
    {
        if (items is null || items.Count == 0) return null;
        var content = new ChatTokenLogprob[items.Count];
        for (var i = 0; i < content.Length; i++)
        {
            var item = items[i];
            var (token, bytes) = Piece(model, item.Token);
            var top = item.Top.Select(t =>
            {
                var (text, raw) = Piece(model, t.Token);
                return new ChatTopLogprob(text, t.Logprob, raw);
            }).ToArray();
            content[i] = new ChatTokenLogprob(token, item.Logprob, bytes, top);
        }
        return new ChatLogprobs(content);
    }

    /// <summary>Maps one choice's tokens; <paramref name="offset"/> is the character offset of the first one in the choice's text, and moves on.</summary>
    public static CompletionLogprobs? ToCompletion(IReadOnlyList<TokenLogprob>? items, ModelHost model, ref int offset)
    {
        if (items is null || items.Count == 0) return null;
        var tokens = new string[items.Count];
        var values = new float[items.Count];
        var tops = new IReadOnlyDictionary<string, float>[items.Count];
        var offsets = new int[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            tokens[i] = Piece(model, items[i].Token).Text;
            values[i] = items[i].Logprob;
            var top = new Dictionary<string, float>();
            foreach (var alternative in items[i].Top) top.TryAdd(Piece(model, alternative.Token).Text, alternative.Logprob);
            tops[i] = top;
            offsets[i] = offset;
            offset += tokens[i].Length;
        }
        return new CompletionLogprobs(tokens, values, tops, offsets);
    }

    public static List<TokenLogprob>? Append(List<TokenLogprob>? all, IReadOnlyList<TokenLogprob>? more)
    {
        if (more is null) return all;
        (all ??= []).AddRange(more);
        return all;
    }

    private static (string Text, int[] Bytes) Piece(ModelHost model, int token)
    {
        var bytes = model.TokenBytes(token);
        return (Encoding.UTF8.GetString(bytes), Array.ConvertAll(bytes, b => (int)b));
    }
}
