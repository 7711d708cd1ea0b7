using System.Diagnostics;
using System.Numerics.Tensors;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Llm.Bench;

/// <summary>
/// The baseline: greedy decode with LLamaSharp's low-level batch API in this process, no scheduler and no
/// HTTP, the way the LLamaSharp notes measured it. n sequences share every decode step.
/// </summary>
internal sealed class RawDecode : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();
    private readonly int _eos;

    public RawDecode(string modelPath, int threads, int gpuLayers)
    {
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = 4096, BatchSize = 512, UBatchSize = 512, SeqMax = 8,
            Threads = threads, BatchThreads = threads, GpuLayerCount = gpuLayers,
        };
        _weights = LLamaWeights.LoadFromFile(parameters);
        _context = _weights.CreateContext(parameters);
        _eos = (int)(_weights.Vocab.EOS ?? -1);
    }

    /// <summary>Decodes <paramref name="tokens"/> tokens for each of <paramref name="sequences"/> prompts.</summary>
    /// <param name="separatePrefill">Decode each prompt in its own batch, so only the generation steps are batched.</param>
    public RawResult Run(int sequences, int promptLength, int tokens, bool separatePrefill = false)
    {
        var handle = _context.NativeHandle;
        handle.MemoryClear();
        var next = new int[sequences];
        var position = new int[sequences];
        var index = new int[sequences];
        var firstSequence = new List<int>(tokens);

        var started = Stopwatch.GetTimestamp();
        _batch.Clear();
        for (var s = 0; s < sequences; s++)
        {
            var prompt = Prompts.Random(promptLength, seed: 1000 + s);
            for (var i = 0; i < prompt.Length; i++) index[s] = _batch.Add(prompt[i], i, (LLamaSeqId)s, i == prompt.Length - 1);
            position[s] = prompt.Length;
            if (separatePrefill)
            {
                Decode(handle);
                Sample(handle, s, s + 1, index, next, s == 0 ? firstSequence : null);
                _batch.Clear();
            }
        }
        if (!separatePrefill)
        {
            Decode(handle);
            Sample(handle, 0, sequences, index, next, firstSequence);
        }
        var firstToken = Stopwatch.GetTimestamp();

        for (var step = 1; step < tokens; step++)
        {
            _batch.Clear();
            for (var s = 0; s < sequences; s++) index[s] = _batch.Add(next[s], position[s]++, (LLamaSeqId)s, true);
            Decode(handle);
            Sample(handle, 0, sequences, index, next, firstSequence);
        }
        var ended = Stopwatch.GetTimestamp();
        var decodeSeconds = Stopwatch.GetElapsedTime(firstToken, ended).TotalSeconds;
        var totalSeconds = Stopwatch.GetElapsedTime(started, ended).TotalSeconds;
        return new RawResult(sequences, tokens, sequences * (tokens - 1) / decodeSeconds, sequences * tokens / totalSeconds, firstSequence);
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }

    private void Decode(SafeLLamaContextHandle handle)
    {
        var result = handle.Decode(_batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode returned {result}");
    }

    // Greedy, never ending early: the server side bans end-of-sequence with a logit bias to match.
    private void Sample(SafeLLamaContextHandle handle, int from, int to, int[] index, int[] next, List<int>? firstSequence)
    {
        for (var s = from; s < to; s++)
        {
            var logits = handle.GetLogitsIth(index[s]);
            if (_eos >= 0) logits[_eos] = float.NegativeInfinity;
            next[s] = TensorPrimitives.IndexOfMax<float>(logits);
        }
        if (from == 0) firstSequence?.Add(next[0]);
    }
}

/// <summary>One raw decode run.</summary>
/// <param name="DecodeTokensPerSecond">Generated tokens after the first, over the time after the first.</param>
/// <param name="EndToEndTokensPerSecond">All generated tokens over the time including the prompt.</param>
/// <param name="FirstSequenceTokens">The greedy tokens of sequence 0, to check batch invariance.</param>
internal sealed record RawResult(int Sequences, int Tokens, double DecodeTokensPerSecond, double EndToEndTokensPerSecond, IReadOnlyList<int> FirstSequenceTokens);
