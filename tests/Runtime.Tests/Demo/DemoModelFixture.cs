using LLama;
using LLama.Common;
using LLama.Native;
using Llm.Runtime.Models.Demo;

namespace Llm.Runtime.Tests.Demo;

/// <summary>Builds the demo model once into a temp folder and keeps one loaded CPU context for a test class.</summary>
public sealed class DemoModelFixture : IDisposable
{
    public DemoModelFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "llm-demo-tests-" + Guid.NewGuid().ToString("N"));
        ModelPath = DemoModel.EnsureBuilt(Directory);
        Weights = LLamaWeights.LoadFromFile(new ModelParams(ModelPath) { GpuLayerCount = 0 });
        Context = Weights.CreateContext(new ModelParams(ModelPath) { GpuLayerCount = 0, ContextSize = 512, Threads = 2, BatchThreads = 2 });
    }

    public string Directory { get; }
    public string ModelPath { get; }
    public LLamaWeights Weights { get; }
    public LLamaContext Context { get; }

    /// <summary>Decodes <paramref name="tokens"/> into a fresh sequence 0 and returns the last position's logits (copied).</summary>
    public float[] Prefill(ReadOnlySpan<LLamaToken> tokens) => Prefill(tokens, out _);

    /// <summary>As <see cref="Prefill(ReadOnlySpan{LLamaToken})"/>, also giving the batch index of those logits for samplers.</summary>
    public float[] Prefill(ReadOnlySpan<LLamaToken> tokens, out int index)
    {
        Context.NativeHandle.MemoryClear();
        var batch = new LLamaBatch();
        index = 0;
        for (var i = 0; i < tokens.Length; i++)
            index = batch.Add(tokens[i], i, LLamaSeqId.Zero, i == tokens.Length - 1);
        return Decode(batch, index);
    }

    /// <summary>Greedy decoding after <paramref name="tokens"/>; the end-of-turn token is included when produced.</summary>
    public List<int> Greedy(ReadOnlySpan<LLamaToken> tokens, int maxTokens)
    {
        var logits = Prefill(tokens);
        var produced = new List<int>();
        var position = tokens.Length;
        while (produced.Count < maxTokens)
        {
            var next = ArgMax(logits);
            produced.Add(next);
            if (((LLamaToken)next).IsEndOfGeneration(Weights.Vocab))
                break;
            var batch = new LLamaBatch();
            var index = batch.Add(next, position++, LLamaSeqId.Zero, true);
            logits = Decode(batch, index);
        }
        return produced;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    public static double[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = logits[ArgMax(logits)];
        var p = new double[logits.Length];
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
            sum += p[i] = Math.Exp(logits[i] - (double)max);
        for (var i = 0; i < p.Length; i++)
            p[i] /= sum;
        return p;
    }

    public void Dispose()
    {
        Context.Dispose();
        Weights.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private float[] Decode(LLamaBatch batch, int index)
    {
        var result = Context.NativeHandle.Decode(batch);
        if (result != DecodeResult.Ok)
            throw new InvalidOperationException($"Decode failed: {result}");
        return Context.NativeHandle.GetLogitsIth(index).ToArray();
    }
}
