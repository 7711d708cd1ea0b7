using System.Numerics.Tensors;
using System.Threading.Channels;
using LLama;
using LLama.Common;
using LLama.Native;
using Llm.Runtime.Errors;

namespace Llm.Runtime.Embeddings;

/// <summary>
/// Embeds token sequences with one long-lived context in embedding mode, owned by its own thread. Inputs from
/// concurrent requests are packed into shared decodes (one sequence id each), pooled by llama.cpp, and
/// L2-normalised. Unlike LLamaSharp's <c>LLamaEmbedder</c>, no context is created per input.
/// </summary>
/// <remarks><see cref="EmbedAsync"/> is thread-safe.</remarks>
public sealed class EmbeddingEngine : IDisposable
{
    private readonly LLamaContext _context;
    private readonly EmbeddingOptions _options;
    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;
    private readonly LLamaBatch _batch = new();
    private readonly int _vocabularySize;

    /// <summary>Initializes a new instance of the <see cref="EmbeddingEngine"/> class and starts its thread.</summary>
    /// <param name="weights">The loaded model; the caller keeps ownership.</param>
    /// <param name="modelPath">The model's path (LLamaSharp's context parameters carry it).</param>
    /// <param name="modelDeclaresPooling">Whether the GGUF names a pooling type; otherwise inputs are mean-pooled.</param>
    /// <param name="options">Sizes.</param>
    public EmbeddingEngine(LLamaWeights weights, string modelPath, bool modelDeclaresPooling, EmbeddingOptions options)
    {
        _options = options;
        _vocabularySize = weights.Vocab.Count;
        var size = (uint)options.MaxInputTokens;
        _context = weights.CreateContext(new ModelParams(modelPath)
        {
            ContextSize = size,
            BatchSize = size,
            UBatchSize = size,
            SeqMax = (uint)options.MaxSequencesPerBatch,
            Embeddings = true,
            PoolingType = modelDeclaresPooling ? LLamaPoolingType.Unspecified : LLamaPoolingType.Mean,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            GpuLayerCount = options.GpuLayers,
        });
        Dimensions = weights.EmbeddingSize;
        _thread = new Thread(Run) { IsBackground = true, Name = "llm-embeddings" };
        _thread.Start();
    }

    /// <summary>Gets the length of the vectors.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the most tokens one input may have.</summary>
    public int MaxInputTokens => _options.MaxInputTokens;

    /// <summary>Embeds each input; the vectors have unit length.</summary>
    /// <exception cref="InvalidInputException">An input is empty, too long or has a token outside the vocabulary.</exception>
    public Task<float[][]> EmbedAsync(IReadOnlyList<IReadOnlyList<int>> inputs, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            var what = inputs.Count == 1 ? "The input" : $"Input {i}";
            if (inputs[i].Count == 0) throw new InvalidInputException($"{what} is empty.", InputPart.Prompt, inputs.Count == 1 ? null : i);
            if (inputs[i].Count > _options.MaxInputTokens)
                throw new InvalidInputException($"{what} has {inputs[i].Count} tokens; this model embeds at most {_options.MaxInputTokens}.", InputPart.Prompt, inputs.Count == 1 ? null : i);
            foreach (var token in inputs[i])
            {
                if ((uint)token >= (uint)_vocabularySize) throw new InvalidInputException($"Token id {token} is outside the vocabulary (0..{_vocabularySize - 1}).", InputPart.Prompt, inputs.Count == 1 ? null : i);
            }
        }
        var job = new Job(inputs, cancellationToken);
        if (!_jobs.Writer.TryWrite(job)) throw new EngineUnavailableException("The model is shutting down.");
        return job.Result.Task;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _jobs.Writer.TryComplete();
        _thread.Join();
        _context.Dispose();
    }

    private void Run()
    {
        while (_jobs.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (_jobs.Reader.TryRead(out var job))
            {
                if (job.Cancellation.IsCancellationRequested)
                {
                    job.Result.TrySetCanceled(job.Cancellation);
                    continue;
                }
                try
                {
                    job.Result.TrySetResult(Embed(job.Inputs));
                }
                catch (Exception ex)
                {
                    job.Result.TrySetException(new EngineUnavailableException("Embedding failed in the engine.", ex));
                }
            }
        }
        while (_jobs.Reader.TryRead(out var left)) left.Result.TrySetException(new EngineUnavailableException("The model is shutting down."));
    }

    // Packs inputs into decodes of at most MaxInputTokens tokens and MaxSequencesPerBatch sequences.
    private float[][] Embed(IReadOnlyList<IReadOnlyList<int>> inputs)
    {
        var vectors = new float[inputs.Count][];
        var next = 0;
        while (next < inputs.Count)
        {
            _batch.Clear();
            var first = next;
            while (next < inputs.Count && next - first < _options.MaxSequencesPerBatch && _batch.TokenCount + inputs[next].Count <= _options.MaxInputTokens)
            {
                var tokens = inputs[next];
                var sequence = (LLamaSeqId)(next - first);
                for (var position = 0; position < tokens.Count; position++) _batch.Add(tokens[position], position, sequence, true);
                next++;
            }
            var result = _context.NativeHandle.Decode(_batch);
            if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode returned {result}.");
            for (var i = first; i < next; i++)
            {
                var pooled = _context.NativeHandle.GetEmbeddingsSeq((LLamaSeqId)(i - first));
                var vector = pooled.ToArray();
                var norm = TensorPrimitives.Norm(vector);
                if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
                vectors[i] = vector;
            }
            _context.NativeHandle.MemoryClear();
        }
        return vectors;
    }

    private sealed record Job(IReadOnlyList<IReadOnlyList<int>> Inputs, CancellationToken Cancellation)
    {
        public TaskCompletionSource<float[][]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
