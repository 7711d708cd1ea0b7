using System.Diagnostics;
using System.Threading.Channels;
using LLama;
using LLama.Abstractions;
using LLama.Native;
using Llm.Runtime.Errors;
using Llm.Runtime.Inference.Caching;
using Microsoft.Extensions.Logging;

namespace Llm.Runtime.Inference;

/// <summary>
/// Generates many sequences at once from one llama context. A dedicated thread owns the context: it admits
/// queued requests between steps, builds one batch per step (one token for every decoding sequence first,
/// then prompt chunks within the batch budget), decodes it and samples each sequence with its own chain.
/// </summary>
/// <remarks>
/// <see cref="Submit"/> and <see cref="GetMetrics"/> are thread-safe; everything else about the context happens
/// on the engine thread, because llama.cpp contexts are not thread-safe. KV cells are reserved at admission for
/// the prompt cells the request must compute plus the most tokens it may generate, so a running sequence never
/// runs out of cache; prompt prefixes already resident are shared (see <see cref="PrefixTrie"/>).
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
    private readonly PrefixTrie _trie = new();
    private readonly List<KvSlot> _retained = [];
    private readonly EngineCounters _counters = new();
    private readonly LLamaBatch _batch = new();
    private readonly byte[] _pieceBuffer = new byte[256];
    private readonly LogprobCalculator _logprobs;
    private readonly Thread _thread;
    private readonly int _vocabularySize;
    private static readonly Action<Sequence> s_closeCancelled = s => s.Close(null);
    private int _outstanding;
    private int _generationReserved;
    private int _followerReserved;
    private long _tick;
    private volatile bool _stopping;

    /// <summary>Initializes a new instance of the <see cref="InferenceEngine"/> class and starts its thread.</summary>
    /// <param name="weights">The loaded model; the caller keeps ownership and must outlive the engine.</param>
    /// <param name="contextParams">Context parameters (size, batch, threads) as LLamaSharp wants them.</param>
    /// <param name="options">Scheduling options.</param>
    /// <param name="logger">Logger.</param>
    public InferenceEngine(LLamaWeights weights, IContextParams contextParams, EngineOptions options, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SequenceIds, MaxSequenceIds, nameof(options));
        _weights = weights;
        _options = options;
        _logger = logger;
        _context = weights.CreateContext(contextParams, logger);
        _vocabularySize = weights.Vocab.Count;
        _logprobs = new LogprobCalculator(_vocabularySize);
        ContextSize = (int)_context.ContextSize;
        for (var id = options.SequenceIds - 1; id >= 0; id--) _freeIds.Push(id);
        _thread = new Thread(Run) { IsBackground = true, Name = "llm-engine" };
        _thread.Start();
    }

    /// <summary>The most sequence ids llama.cpp accepts (LLAMA_MAX_SEQ): running requests plus cached prefixes.</summary>
    public const int MaxSequenceIds = 256;

    /// <summary>Gets the number of KV cells shared by all sequences.</summary>
    public int ContextSize { get; }

    /// <summary>Returns the current counters.</summary>
    public EngineMetrics GetMetrics() => _counters.Snapshot(ContextSize);

    /// <summary>
    /// Validates and queues a request. Throws before anything is queued if the request can never run, so the
    /// caller can still answer with an error; otherwise the returned stream yields the updates.
    /// </summary>
    /// <exception cref="ContextLengthExceededException">The prompt and the requested tokens exceed the context.</exception>
    /// <exception cref="InvalidInputException">The prompt is empty or has a token outside the vocabulary.</exception>
    /// <exception cref="QueueFullException">Every slot is busy and the wait queue is full.</exception>
    /// <exception cref="EngineUnavailableException">The engine has stopped.</exception>
    /// <exception cref="GrammarRejectedException">llama.cpp refused the request's grammar.</exception>
    public GenerationStream Submit(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prompt = request.PromptTokens;
        if (prompt.Count == 0) throw new InvalidInputException("The prompt is empty.", InputPart.Prompt);
        foreach (var token in prompt)
        {
            if ((uint)token >= (uint)_vocabularySize)
                throw new InvalidInputException($"Token id {token} is outside the vocabulary (0..{_vocabularySize - 1}).", InputPart.Prompt);
        }
        foreach (var token in request.Sampling.LogitBias.Keys)
        {
            if ((uint)token >= (uint)_vocabularySize)
                throw new InvalidInputException($"Token id {token} in the token biases is outside the vocabulary (0..{_vocabularySize - 1}).", InputPart.LogitBias);
        }
        if (_options.MaxPromptTokens > 0 && prompt.Count > _options.MaxPromptTokens)
            throw new InvalidInputException($"The prompt has {prompt.Count} tokens; this server accepts at most {_options.MaxPromptTokens}.", InputPart.Prompt);
        var room = ContextSize - prompt.Count;
        if (room < Math.Max(1, request.MaxTokens ?? 1)) throw new ContextLengthExceededException(prompt.Count, request.MaxTokens, ContextSize);

        if (Interlocked.Increment(ref _outstanding) > _options.Parallel + _options.MaxQueue)
        {
            Interlocked.Decrement(ref _outstanding);
            Interlocked.Increment(ref _counters.RequestsRejected);
            throw new QueueFullException(_options.Parallel, _options.MaxQueue);
        }
        // Built here, on the caller's thread: a grammar llama.cpp refuses is an error before anything is queued, and
        // parsing a large grammar never holds up the engine thread (and with it every other request of the model).
        SafeLLamaSamplerChainHandle sampler;
        try
        {
            sampler = SamplerChain.Create(request.Sampling, _weights.NativeHandle);
        }
        catch
        {
            Interlocked.Decrement(ref _outstanding);
            throw;
        }
        var sequence = new Sequence(request, [.. prompt], request.MaxTokens ?? DefaultBudget(prompt.Count), Stopwatch.GetTimestamp()) { Sampler = sampler };
        Interlocked.Increment(ref _counters.WaitingSequences);
        if (!_incoming.Writer.TryWrite(sequence))
        {
            Interlocked.Decrement(ref _counters.WaitingSequences);
            Interlocked.Decrement(ref _outstanding);
            sampler.Dispose();
            throw new EngineUnavailableException("The model is shutting down.");
        }
        sequence.CancellationRegistration = cancellationToken.Register(static s => ((Sequence)s!).Cancel(), sequence);
        return new GenerationStream(sequence);
    }

    /// <summary>
    /// The most tokens a request without a limit may generate: its share of the context (context / parallel, as
    /// llama-server gives each slot), at least <see cref="MinimumDefaultBudget"/>, at most what is left. Reserving the
    /// whole rest of the context instead would make every such request (chat clients rarely send a limit) run alone.
    /// </summary>
    private int DefaultBudget(int promptTokens)
        => Math.Min(ContextSize - promptTokens, Math.Max(ContextSize / _options.Parallel - promptTokens, MinimumDefaultBudget));

    private const int MinimumDefaultBudget = 256;

    /// <summary>Stops the engine thread, ends every sequence (running ones with an error) and frees the context.</summary>
    public void Dispose()
    {
        // Without this the loop would keep stepping until the running sequences finished on their own.
        _stopping = true;
        _incoming.Writer.TryComplete();
        _thread.Join();
        _context.Dispose();
    }

    private void Run()
    {
        while (!_stopping)
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
                foreach (var sequence in _active.ToArray()) Release(sequence, s => s.Close(new EngineUnavailableException("Generation failed in the engine.", ex)), retain: false);
            }
            UpdateGauges();
        }
        var ended = new EngineUnavailableException("The model is shutting down.");
        foreach (var sequence in _active.ToArray()) Release(sequence, s => s.Close(ended), retain: false);
        while (_waiting.TryDequeue(out var sequence)) Drop(sequence, ended);
        UpdateGauges();
    }

    // Blocks the engine thread while there is nothing to do; false once the engine is disposed.
    private bool WaitForWork() => _incoming.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult();

    private void DropCancelled()
    {
        // Backwards, because a released sequence leaves the list; no copy, this runs every step.
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            if (_active[i].IsCancelled) Release(_active[i], s_closeCancelled, retain: false);
        }
        var anyCancelled = false;
        foreach (var sequence in _waiting) anyCancelled |= sequence.IsCancelled;
        if (!anyCancelled) return;
        var kept = _waiting.Where(s => !s.IsCancelled).ToArray();
        foreach (var sequence in _waiting) if (sequence.IsCancelled) Drop(sequence, null);
        _waiting.Clear();
        foreach (var sequence in kept) _waiting.Enqueue(sequence);
    }

    // Ends a request that never started.
    private void Drop(Sequence sequence, Exception? error)
    {
        Interlocked.Decrement(ref _counters.WaitingSequences);
        Ended();
        sequence.Close(error);
    }

    private void Ended()
    {
        Interlocked.Decrement(ref _outstanding);
        Interlocked.Increment(ref _counters.RequestsEnded);
    }

    private int ReservedCells => _trie.Cells + _generationReserved + _followerReserved;

    private void UpdateGauges()
    {
        // The trie counts prompt cells, decoded or not; generated cells are not in it.
        var used = _trie.Cells;
        foreach (var sequence in _active)
        {
            if (sequence.Following is null) used -= sequence.Prompt.Length - sequence.PromptCursor;
            used += Math.Max(0, sequence.NextPosition - sequence.Prompt.Length);
        }
        Volatile.Write(ref _counters.ActiveSequences, _active.Count);
        Volatile.Write(ref _counters.KvCellsUsed, used);
        Volatile.Write(ref _counters.KvCellsReserved, ReservedCells);
        Volatile.Write(ref _counters.CachedPrefixes, _retained.Count);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An engine step failed; its sequences were ended.")]
    private static partial void LogStepFailed(ILogger logger, Exception exception);
}
