using System.Diagnostics;
using LLama.Native;
using Llm.Runtime.Errors;

namespace Llm.Runtime.Inference;

public sealed partial class InferenceEngine
{
    private void Step()
    {
        ResolveFollowers();
        _batch.Clear();
        foreach (var sequence in _active)
        {
            sequence.LogitsIndex = -1;
            if (sequence.IsPrefilling) continue;
            sequence.LogitsIndex = _batch.Add(sequence.LastToken, sequence.NextPosition++, sequence.Id, true);
        }

        // Prompt chunks fill what the running sequences left of the budget, so a long prompt delays
        // them by at most one step. Followers wait for the request decoding their prefix.
        var budget = _options.BatchSize - _batch.TokenCount;
        var chunked = 0;
        foreach (var sequence in _active)
        {
            if (!sequence.IsPrefilling || sequence.Following is not null || budget == 0) continue;
            var prompt = sequence.Prompt;
            var count = Math.Min(budget, prompt.Length - sequence.PromptCursor);
            for (var i = 0; i < count; i++)
            {
                var position = sequence.PromptCursor + i;
                var last = position == prompt.Length - 1;
                var index = _batch.Add(prompt[position], position, sequence.Id, last);
                if (last) sequence.LogitsIndex = index;
            }
            sequence.PromptCursor += count;
            sequence.NextPosition = sequence.PromptCursor;
            budget -= count;
            chunked += count;
        }
        if (_batch.TokenCount == 0) return;

        Decode();
        Interlocked.Add(ref _counters.PromptTokensComputed, chunked);
        foreach (var sequence in _active)
        {
            if (sequence.Following is null) sequence.Slot!.Computed = sequence.PromptCursor;
        }

        var now = Stopwatch.GetTimestamp();
        // Backwards, because a sequence that ends leaves the list.
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var sequence = _active[i];
            if (sequence.LogitsIndex < 0) continue;
            var token = sequence.Sampler!.Sample(_context.NativeHandle, sequence.LogitsIndex);
            if (sequence.Generated == 0) _counters.TimeToFirstToken.Record(sequence.SubmittedAt, now);
            else _counters.InterTokenLatency.Record(sequence.LastTokenAt, now);
            sequence.LastTokenAt = now;
            Advance(sequence, token);
        }
    }

    // A full cache may only be full of retained prefixes: drop them and try once more before failing.
    private void Decode()
    {
        var result = _context.NativeHandle.Decode(_batch);
        if (result == DecodeResult.NoKvSlot && _retained.Count > 0)
        {
            while (EvictLeastRecentlyUsed())
            {
            }
            result = _context.NativeHandle.Decode(_batch);
        }
        if (result != DecodeResult.Ok) throw new EngineUnavailableException($"llama_decode returned {result}.");
    }

    private void Advance(Sequence sequence, LLamaToken token)
    {
        var stops = sequence.Stops!;
        if (token.IsEndOfGeneration(_weights.Vocab))
        {
            var tail = stops.Push(sequence.Decoder.Flush()) + stops.Flush();
            Release(sequence, s => s.Finish(tail, FinishReason.Stop), retain: true);
            return;
        }

        // The step's logits are still current: no decode has run since the token was sampled from them.
        if (sequence.Request.Logprobs is { } top)
            (sequence.PendingLogprobs ??= []).Add(_logprobs.Compute(_context.NativeHandle.GetLogitsIth(sequence.LogitsIndex), (int)token, top));
        sequence.Generated++;
        Interlocked.Increment(ref _counters.GeneratedTokens);
        sequence.LastToken = (int)token;
        var length = (int)_weights.NativeHandle.TokenToSpan(token, _pieceBuffer, 0, IsPreserved(sequence.Request.PreservedTokens, (int)token));
        var text = stops.Push(sequence.Decoder.Push(_pieceBuffer.AsSpan(0, Math.Min(length, _pieceBuffer.Length))));
        if (stops.Stopped)
        {
            Release(sequence, s => s.Finish(text, FinishReason.Stop), retain: true);
        }
        else if (sequence.Generated >= sequence.MaxTokens)
        {
            var tail = text + stops.Push(sequence.Decoder.Flush()) + stops.Flush();
            Release(sequence, s => s.Finish(tail, stops.Stopped ? FinishReason.Stop : FinishReason.Length), retain: true);
        }
        else
        {
            sequence.Emit(text);
        }
    }

    private static bool IsPreserved(IReadOnlyList<int> preserved, int token)
    {
        for (var i = 0; i < preserved.Count; i++)
        {
            if (preserved[i] == token) return true;
        }
        return false;
    }
}
