using LLama.Native;
using Llm.Runtime.Errors;

namespace Llm.Runtime.Inference;

public sealed partial class InferenceEngine
{
    private void Step()
    {
        _batch.Clear();
        foreach (var sequence in _active)
        {
            if (sequence.IsPrefilling) continue;
            sequence.LogitsIndex = _batch.Add(sequence.LastToken, sequence.NextPosition++, sequence.Id, true);
        }

        // Prompt chunks fill what the running sequences left of the budget, so a long prompt delays
        // them by at most one step.
        var budget = _options.BatchSize - _batch.TokenCount;
        foreach (var sequence in _active)
        {
            if (!sequence.IsPrefilling) continue;
            sequence.LogitsIndex = -1;
            var prompt = sequence.Request.PromptTokens;
            var count = Math.Min(budget, prompt.Count - sequence.PromptCursor);
            for (var i = 0; i < count; i++)
            {
                var position = sequence.PromptCursor + i;
                var last = position == prompt.Count - 1;
                var index = _batch.Add(prompt[position], position, sequence.Id, last);
                if (last) sequence.LogitsIndex = index;
            }
            sequence.PromptCursor += count;
            sequence.NextPosition = sequence.PromptCursor;
            budget -= count;
        }

        var result = _context.NativeHandle.Decode(_batch);
        if (result != DecodeResult.Ok) throw new EngineUnavailableException($"llama_decode returned {result}.");

        foreach (var sequence in _active.ToArray())
        {
            if (sequence.LogitsIndex < 0) continue;
            var token = sequence.Sampler!.Sample(_context.NativeHandle, sequence.LogitsIndex);
            Advance(sequence, token);
        }
    }

    private void Advance(Sequence sequence, LLamaToken token)
    {
        var stops = sequence.Stops!;
        if (token.IsEndOfGeneration(_weights.Vocab))
        {
            var tail = stops.Push(sequence.Decoder.Flush()) + stops.Flush();
            Release(sequence, s => s.Finish(tail, FinishReason.Stop));
            return;
        }

        sequence.Generated++;
        sequence.LastToken = (int)token;
        var length = (int)_weights.NativeHandle.TokenToSpan(token, _pieceBuffer, 0, false);
        var text = stops.Push(sequence.Decoder.Push(_pieceBuffer.AsSpan(0, Math.Min(length, _pieceBuffer.Length))));
        if (stops.Stopped)
        {
            Release(sequence, s => s.Finish(text, FinishReason.Stop));
        }
        else if (sequence.Generated >= sequence.MaxTokens)
        {
            var tail = text + stops.Push(sequence.Decoder.Flush()) + stops.Flush();
            Release(sequence, s => s.Finish(tail, stops.Stopped ? FinishReason.Stop : FinishReason.Length));
        }
        else
        {
            sequence.Emit(text);
        }
    }
}
