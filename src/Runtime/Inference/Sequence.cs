using System.Threading.Channels;
using LLama.Native;

namespace Llm.Runtime.Inference;

/// <summary>The engine-side state of one request. Touched only by the engine thread, except <see cref="Cancel"/>.</summary>
internal sealed class Sequence(GenerationRequest request, int maxTokens)
{
    private readonly Channel<GenerationUpdate> _updates =
        Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private volatile bool _cancelled;

    public GenerationRequest Request { get; } = request;
    public int MaxTokens { get; } = maxTokens;
    public int Reservation => Request.PromptTokens.Count + MaxTokens;
    public ChannelReader<GenerationUpdate> Updates => _updates.Reader;
    public bool IsCancelled => _cancelled;
    public CancellationTokenRegistration CancellationRegistration { get; set; }

    // Engine-thread state.
    public LLamaSeqId Id { get; set; }
    public SafeLLamaSamplerChainHandle? Sampler { get; set; }
    public TokenTextDecoder Decoder { get; } = new();
    public StopMatcher? Stops { get; set; }
    public int PromptCursor { get; set; }
    public int NextPosition { get; set; }
    public int LastToken { get; set; }
    public int Generated { get; set; }
    public int LogitsIndex { get; set; } = -1;
    public bool IsPrefilling => PromptCursor < Request.PromptTokens.Count;

    public void Cancel() => _cancelled = true;

    public void Emit(string text)
    {
        if (text.Length > 0) _updates.Writer.TryWrite(new GenerationUpdate(text, Generated, null));
    }

    public void Finish(string text, FinishReason reason)
    {
        _updates.Writer.TryWrite(new GenerationUpdate(text, Generated, reason));
        Close(null);
    }

    public void Close(Exception? error)
    {
        _updates.Writer.TryComplete(error);
        CancellationRegistration.Dispose();
        Sampler?.Dispose();
        Sampler = null;
    }
}
