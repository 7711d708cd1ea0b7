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

    /// <summary>
    /// Maps one choice's tokens to the legacy shape; <paramref name="offset"/> is the character offset of the first one
    /// in the choice's text, and moves on. As OpenAI writes them: each <c>top_logprobs</c> entry also holds the sampled
    /// token (so it may have <c>logprobs</c> + 1 items, and with <c>logprobs: 0</c> holds just that one), and a token that
    /// is only part of a UTF-8 character is written <c>bytes:\xNN…</c>, so its bytes survive and alternatives stay apart.
    /// A text offset counts the characters decoded before the token: the pieces of one character share an offset.
    /// </summary>
    public static CompletionLogprobs? ToCompletion(IReadOnlyList<TokenLogprob>? items, ModelHost model, ref int offset)
    {
        if (items is null || items.Count == 0) return null;
        var tokens = new string[items.Count];
        var values = new float[items.Count];
        var tops = new IReadOnlyDictionary<string, float>[items.Count];
        var offsets = new int[items.Count];
        var decoder = new TokenTextDecoder();
        for (var i = 0; i < items.Count; i++)
        {
            var bytes = model.TokenBytes(items[i].Token);
            tokens[i] = LegacyText(bytes);
            values[i] = items[i].Logprob;
            var top = new Dictionary<string, float>();
            foreach (var alternative in items[i].Top) top.TryAdd(LegacyText(model.TokenBytes(alternative.Token)), alternative.Logprob);
            top.TryAdd(tokens[i], items[i].Logprob);
            tops[i] = top;
            offsets[i] = offset;
            offset += decoder.Push(bytes).Length;
        }
        return new CompletionLogprobs(tokens, values, tops, offsets);
    }

    // OpenAI's spelling of a token that is not whole UTF-8 text: "bytes:" and \xNN for each byte.
    private static string LegacyText(byte[] bytes)
    {
        try
        {
            return s_strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            var text = new StringBuilder("bytes:", 6 + 4 * bytes.Length);
            foreach (var b in bytes) text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return text.ToString();
        }
    }

    private static readonly UTF8Encoding s_strict = new(false, throwOnInvalidBytes: true);

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
