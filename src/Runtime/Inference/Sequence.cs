using System.Threading.Channels;
using LLama.Native;
using Llm.Runtime.Inference.Caching;

namespace Llm.Runtime.Inference;

/// <summary>The engine-side state of one request. Touched only by the engine thread, except <see cref="Cancel"/>.</summary>
internal sealed class Sequence(GenerationRequest request, int[] prompt, int maxTokens, long submittedAt)
{
    private readonly Channel<GenerationUpdate> _updates = Channel.CreateUnbounded<GenerationUpdate>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = request.InlineUpdates });
    private volatile bool _cancelled;
    private volatile int _cachedTokens;

    public GenerationRequest Request { get; } = request;

    /// <summary>Gets the prompt as an array: the prefix trie keeps slices of it.</summary>
    public int[] Prompt { get; } = prompt;
    public int MaxTokens { get; } = maxTokens;

    /// <summary>Gets the prefix-cache partition the request may share cells within.</summary>
    public string Partition { get; } = request.CachePartition ?? string.Empty;
    public long SubmittedAt { get; } = submittedAt;
    public ChannelReader<GenerationUpdate> Updates => _updates.Reader;
    public bool IsCancelled => _cancelled;
    public CancellationTokenRegistration CancellationRegistration { get; set; }

    /// <summary>Gets or sets the prompt tokens whose cells were copied instead of decoded; readable from any thread.</summary>
    public int CachedTokens
    {
        get => _cachedTokens;
        set => _cachedTokens = value;
    }

    // Engine-thread state.
    public KvSlot? Slot { get; set; }
    public LLamaSeqId Id => Slot!.Id;
    public SafeLLamaSamplerChainHandle? Sampler { get; set; }
    public TokenTextDecoder Decoder { get; } = new();
    public StopMatcher? Stops { get; set; }
    public int PromptCursor { get; set; }
    public int NextPosition { get; set; }
    public int LastToken { get; set; }
    public int Generated { get; set; }
    public int LogitsIndex { get; set; } = -1;
    public long LastTokenAt { get; set; }
    public bool IsPrefilling => PromptCursor < Prompt.Length;

    /// <summary>Gets or sets the slot computing this request's prefix; the request waits for it instead of decoding the prefix too.</summary>
    public KvSlot? Following { get; set; }

    /// <summary>Gets or sets how many prompt tokens to copy from <see cref="Following"/> once it has decoded them.</summary>
    public int FollowLength { get; set; }

    /// <summary>Gets the requests waiting for this one's prompt cells; created on first use.</summary>
    public List<Sequence>? Followers { get; set; }

    public void Cancel() => _cancelled = true;

    // Log-probabilities wait here while their text is held back (partial characters or stop strings).
    public List<TokenLogprob>? PendingLogprobs { get; set; }

    public void Emit(string text)
    {
        if (text.Length > 0) _updates.Writer.TryWrite(new GenerationUpdate(text, Generated, null, TakeLogprobs()));
    }

    public void Finish(string text, FinishReason reason) => End(new GenerationUpdate(text, Generated, reason, TakeLogprobs()), null);

    public void Close(Exception? error) => End(null, error);

    private void End(GenerationUpdate? last, Exception? error)
    {
        // An inline reader would otherwise finish its whole request (response, logging, the next keep-alive read)
        // between two decode steps.
        if (Request.InlineUpdates)
            ThreadPool.UnsafeQueueUserWorkItem(static state => Complete(state.Writer, state.last, state.error), (_updates.Writer, last, error), preferLocal: false);
        else
            Complete(_updates.Writer, last, error);
        CancellationRegistration.Dispose();
        Sampler?.Dispose();
        Sampler = null;
    }

    private static void Complete(ChannelWriter<GenerationUpdate> writer, GenerationUpdate? last, Exception? error)
    {
        if (last is { } update) writer.TryWrite(update);
        writer.TryComplete(error);
    }

    private List<TokenLogprob>? TakeLogprobs()
    {
        var pending = PendingLogprobs;
        if (pending is null || pending.Count == 0) return null;
        PendingLogprobs = [];
        return pending;
    }
}
