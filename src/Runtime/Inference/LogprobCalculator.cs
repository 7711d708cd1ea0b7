using System.Numerics.Tensors;

namespace Llm.Runtime.Inference;

/// <summary>Log-softmax of one logits row, computed in place over a reused buffer (no per-token allocation but the result).</summary>
internal sealed class LogprobCalculator(int vocabularySize)
{
    private readonly float[] _scratch = new float[vocabularySize];

    public TokenLogprob Compute(ReadOnlySpan<float> logits, int token, int top)
    {
        // log p(t) = logit(t) - logsumexp(logits); subtracting the max first keeps Exp finite.
        var max = TensorPrimitives.Max(logits);
        var shifted = _scratch.AsSpan(0, logits.Length);
        TensorPrimitives.Subtract(logits, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        var logSum = max + MathF.Log(TensorPrimitives.Sum(shifted));
        return new TokenLogprob(token, logits[token] - logSum, Top(logits, top, logSum));
    }

    // The k largest logits by a single scan keeping a small sorted window (k is at most 20).
    private static TopLogprob[] Top(ReadOnlySpan<float> logits, int k, float logSum)
    {
        if (k <= 0) return [];
        k = Math.Min(k, logits.Length);
        var ids = new int[k];
        var values = new float[k];
        var count = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var value = logits[i];
            if (count == k && value <= values[k - 1]) continue;
            var at = count < k ? count++ : k - 1;
            while (at > 0 && values[at - 1] < value)
            {
                values[at] = values[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            values[at] = value;
            ids[at] = i;
        }
        var result = new TopLogprob[count];
        for (var i = 0; i < count; i++) result[i] = new TopLogprob(ids[i], values[i] - logSum);
        return result;
    }
}
