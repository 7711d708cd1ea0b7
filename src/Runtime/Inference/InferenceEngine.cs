using System.Threading.Channels;
using LLama;
using LLama.Abstractions;
using LLama.Native;
using Llm.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace Llm.Runtime.Inference;

/// <summary>
/// Generates many sequences at once from one llama context. A dedicated thread owns the context: it admits
/// queued requests between steps, builds one batch per step (one token for every decoding sequence first,
/// then prompt chunks within the batch budget), decodes it and samples each sequence with its own chain.
/// </summary>
/// <remarks>
/// <see cref="Submit"/> is thread-safe; everything else about the context happens on the engine thread,
/// because llama.cpp contexts are not thread-safe. KV cells are reserved at admission for the prompt plus
/// the most tokens the request may generate, so a running sequence never runs out of cache.
/// </remarks>
public sealed partial class InferenceEngine : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly EngineOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<Sequence> _incoming = Channel.CreateUnbounded<Sequence>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<Sequence> _waiting = new();
    private readonly List<Sequence> _active = [];
    private readonly Stack<int> _freeIds = new();
    private readonly LLamaBatch _batch = new();
    private readonly byte[] _pieceBuffer = new byte[256];
    private readonly Thread _thread;
    private readonly int _vocabularySize;
    private int _reservedCells;

    /// <summary>Initializes a new instance of the <see cref="InferenceEngine"/> class and starts its thread.</summary>
    /// <param name="weights">The loaded model; the caller keeps ownership and must outlive the engine.</param>
    /// <param name="contextParams">Context parameters (size, batch, threads) as LLamaSharp wants them.</param>
    /// <param name="options">Scheduling options.</param>
    /// <param name="logger">Logger.</param>
    public InferenceEngine(LLamaWeights weights, IContextParams contextParams, EngineOptions options, ILogger logger)
    {
        _weights = weights;
        _options = options;
        _logger = logger;
        _context = weights.CreateContext(contextParams, logger);
        _vocabularySize = weights.Vocab.Count;
        ContextSize = (int)_context.ContextSize;
        for (var id = options.Parallel - 1; id >= 0; id--) _freeIds.Push(id);
        _thread = new Thread(Run) { IsBackground = true, Name = "llm-engine" };
        _thread.Start();
    }

    /// <summary>Gets the number of KV cells shared by all sequences.</summary>
    public int ContextSize { get; }

    /// <summary>
    /// Validates and queues a request. Throws before anything is queued if the request can never run, so the
    /// caller can still answer with an error; otherwise the returned stream yields the updates.
    /// </summary>
    /// <exception cref="ContextLengthExceededException">The prompt and the requested tokens exceed the context.</exception>
    /// <exception cref="InvalidInputException">The prompt is empty or has a token outside the vocabulary.</exception>
    /// <exception cref="EngineUnavailableException">The engine has stopped.</exception>
    public GenerationStream Submit(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prompt = request.PromptTokens;
        if (prompt.Count == 0) throw new InvalidInputException("The prompt is empty.", "prompt");
        foreach (var token in prompt)
        {
            if ((uint)token >= (uint)_vocabularySize)
                throw new InvalidInputException($"Token id {token} is outside the vocabulary (0..{_vocabularySize - 1}).", "prompt");
        }
        foreach (var token in request.Sampling.LogitBias.Keys)
        {
            if ((uint)token >= (uint)_vocabularySize)
                throw new InvalidInputException($"Token id {token} in logit_bias is outside the vocabulary (0..{_vocabularySize - 1}).", "logit_bias");
        }
        var room = ContextSize - prompt.Count;
        if (room < Math.Max(1, request.MaxTokens ?? 1)) throw new ContextLengthExceededException(prompt.Count, request.MaxTokens, ContextSize);

        var sequence = new Sequence(request, request.MaxTokens ?? room);
        if (!_incoming.Writer.TryWrite(sequence)) throw new EngineUnavailableException("The model is shutting down.");
        sequence.CancellationRegistration = cancellationToken.Register(static s => ((Sequence)s!).Cancel(), sequence);
        return new GenerationStream(prompt.Count, sequence.Updates);
    }

    /// <summary>Stops the engine thread, ends every sequence and frees the context.</summary>
    public void Dispose()
    {
        _incoming.Writer.TryComplete();
        _thread.Join();
        _context.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            if (_active.Count == 0 && _waiting.Count == 0 && !WaitForWork()) break;
            while (_incoming.Reader.TryRead(out var arrived)) _waiting.Enqueue(arrived);
            try
            {
                DropCancelled();
                Admit();
                if (_active.Count > 0) Step();
            }
            catch (Exception ex)
            {
                LogStepFailed(_logger, ex);
                foreach (var sequence in _active.ToArray()) Release(sequence, s => s.Close(new EngineUnavailableException("Generation failed in the engine.", ex)));
            }
        }
        var ended = new EngineUnavailableException("The model is shutting down.");
        foreach (var sequence in _active.ToArray()) Release(sequence, s => s.Close(ended));
        while (_waiting.TryDequeue(out var sequence)) sequence.Close(ended);
    }

    // Blocks the engine thread while there is nothing to do; false once the engine is disposed.
    private bool WaitForWork() => _incoming.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult();

    private void DropCancelled()
    {
        foreach (var sequence in _active.ToArray())
        {
            if (sequence.IsCancelled) Release(sequence, s => s.Close(null));
        }
        if (_waiting.Count == 0) return;
        var kept = _waiting.Where(s => !s.IsCancelled).ToArray();
        foreach (var sequence in _waiting) if (sequence.IsCancelled) sequence.Close(null);
        _waiting.Clear();
        foreach (var sequence in kept) _waiting.Enqueue(sequence);
    }

    // First come, first served: a request that does not fit yet waits, and so do the ones behind it.
    private void Admit()
    {
        while (_waiting.TryPeek(out var next) && _freeIds.Count > 0 && _reservedCells + next.Reservation <= ContextSize)
        {
            _waiting.Dequeue();
            next.Id = (LLamaSeqId)_freeIds.Pop();
            next.Sampler = SamplerChain.Create(next.Request.Sampling, _vocabularySize);
            next.Stops = new StopMatcher(next.Request.Stop);
            _reservedCells += next.Reservation;
            _active.Add(next);
        }
    }

    private void Release(Sequence sequence, Action<Sequence> close)
    {
        _active.Remove(sequence);
        _context.NativeHandle.MemorySequenceRemove(sequence.Id, -1, -1);
        _freeIds.Push((int)sequence.Id);
        _reservedCells -= sequence.Reservation;
        close(sequence);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An engine step failed; its sequences were ended.")]
    private static partial void LogStepFailed(ILogger logger, Exception exception);
}
