using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>
/// The shared random-weight tiny Llama with one context, and a grammar-constrained generation loop over the
/// low-level batch API. A random model is the point: whatever validity the output has comes from the grammar.
/// </summary>
public sealed class TinyLlamaFixture : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();

    public TinyLlamaFixture()
    {
        var path = ModelPath();
        _weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0 });
        _context = _weights.CreateContext(new ModelParams(path) { ContextSize = 2048, Threads = 2, BatchThreads = 2 });
    }

    /// <summary>Gets the model's native handle, for building samplers directly.</summary>
    public SafeLlamaModelHandle Model => _weights.NativeHandle;

    /// <param name="Text">The output decoded as UTF-8 (invalid sequences become U+FFFD).</param>
    /// <param name="Bytes">The raw output, to tell invalid UTF-8 from the grammar's own mistakes.</param>
    public readonly record struct Generation(string Text, byte[] Bytes, bool Completed, int Tokens);

    /// <summary>
    /// Samples under <paramref name="gbnf"/> until end-of-generation or <paramref name="maxTokens"/>. The grammar
    /// sampler comes first in the chain, so temperature and the random draw only choose among allowed tokens, and
    /// it allows end-of-generation only once the grammar is complete.
    /// </summary>
    public Generation Generate(string gbnf, uint seed, int maxTokens, string prompt = "Answer in JSON:")
    {
        using var chain = CreateChain(gbnf, seed);
        return Generate(chain, maxTokens, prompt);
    }

    /// <summary>Samples with <paramref name="chain"/> (the caller keeps it) until end-of-generation or <paramref name="maxTokens"/>.</summary>
    public Generation Generate(SafeLLamaSamplerChainHandle chain, int maxTokens, string prompt = "Answer in JSON:")
    {
        var handle = _context.NativeHandle;
        handle.MemoryClear();
        var tokens = _context.Tokenize(prompt, addBos: true);
        _batch.Clear();
        _batch.AddRange(tokens, 0, LLamaSeqId.Zero, true);
        Decode();
        var position = tokens.Length;
        var logitsIndex = _batch.TokenCount - 1;

        var bytes = new List<byte>();
        var piece = new byte[256];
        for (var generated = 0; generated < maxTokens; generated++)
        {
            var token = chain.Sample(handle, logitsIndex);
            if (token.IsEndOfGeneration(_weights.Vocab)) return new Generation(Text(bytes), [.. bytes], true, generated);
            var length = (int)_weights.NativeHandle.TokenToSpan(token, piece, 0, false);
            bytes.AddRange(piece.AsSpan(0, length).ToArray());
            _batch.Clear();
            logitsIndex = _batch.Add(token, position++, LLamaSeqId.Zero, true);
            Decode();
        }
        return new Generation(Text(bytes), [.. bytes], false, maxTokens);
    }

    /// <summary>Grammar first, so temperature and the random draw only see tokens the grammar allows.</summary>
    public SafeLLamaSamplerChainHandle CreateChain(string gbnf, uint seed)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        try
        {
            chain.AddGrammar(_weights.NativeHandle, gbnf, "root");
        }
        catch
        {
            chain.Dispose();
            throw;
        }
        chain.AddTemperature(1f);
        chain.AddDistributionSampler(seed);
        return chain;
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }

    private void Decode()
    {
        var result = _context.NativeHandle.Decode(_batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode returned {result}");
    }

    private static string Text(List<byte> bytes) => Encoding.UTF8.GetString(bytes.ToArray());

    /// <summary>../shared/models next to the repository root (the folder holding Llm.sln).</summary>
    private static string ModelPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Llm.sln"))) continue;
            var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "models", "llama-2-tiny-random.gguf"));
            if (File.Exists(path)) return path;
            throw new FileNotFoundException(
                $"The grammar sampling tests need the shared tiny model at {path} (see ../shared/models/README.md); it is not in this checkout.", path);
        }
        throw new DirectoryNotFoundException($"No folder containing Llm.sln above {AppContext.BaseDirectory}.");
    }
}
