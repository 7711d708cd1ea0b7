using LLama;
using LLama.Common;
using LLama.Native;
using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Embeddings;
using Llm.Runtime.Errors;
using Llm.Runtime.Hosting;
using Llm.Runtime.Inference;
using Microsoft.Extensions.Logging;

namespace Llm.Runtime.Models;

/// <summary>
/// One loaded model: its weights, its chat template and the engine that owns its context.
/// </summary>
/// <remarks>Thread-safe. Disposing stops the engine, ending its sequences, and frees the weights.</remarks>
public sealed partial class ModelHost : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly InferenceEngine _engine;
    private readonly PromptTokenizer _tokenizer;
    private readonly ChatPromptTokenizer _chat;

    private readonly string _bosText;
    private readonly bool _addsSpacePrefix;
    private Lazy<EmbeddingEngine>? _embeddings;

    private ModelHost(LLamaWeights weights, InferenceEngine engine, ChatTemplate template, ModelInfo info, ModelSettings settings, int threads)
    {
        _bosText = SpecialTokens(weights).Bos;
        _addsSpacePrefix = weights.Vocab.Type == LLamaVocabType.SentencePiece
            && !string.Equals(weights.Metadata.GetValueOrDefault("tokenizer.ggml.add_space_prefix"), "false", StringComparison.OrdinalIgnoreCase);
        _embeddings = new Lazy<EmbeddingEngine>(() => CreateEmbeddings(weights, info, settings, threads), LazyThreadSafetyMode.ExecutionAndPublication);
        _weights = weights;
        _engine = engine;
        _tokenizer = new PromptTokenizer(weights);
        _chat = new ChatPromptTokenizer(weights, _tokenizer, _bosText);
        Template = template;
        ToolCallMarkerTokens = ControlTokensOf(weights, ToolCallFormats.Markers(template.ToolCallFormat));
        Info = info;
        MaxPromptTokens = settings.MaxPromptTokens;
        CanGenerate = !EmbeddingOnlyModels.IsEmbeddingOnly(info.Architecture, weights.Metadata);
    }

    /// <summary>The smallest context a model runs with, in tokens: a smaller <see cref="ModelSettings.ContextSize"/> is raised to it.</summary>
    public const int MinimumContextSize = 256;

    /// <summary>Gets the model's description.</summary>
    public ModelInfo Info { get; }

    /// <summary>Gets the template that renders chat prompts.</summary>
    public ChatTemplate Template { get; }

    /// <summary>
    /// Gets the control tokens among the markers of the template's tool-call syntax (e.g. Llama 3.1's
    /// <c>&lt;|python_tag|&gt;</c>), which a request with tools preserves in its output
    /// (<see cref="GenerationRequest.PreservedTokens"/>) so that the call can be parsed. Markers that are text or
    /// user-defined tokens (Qwen's <c>&lt;tool_call&gt;</c>) are written anyway and are not listed.
    /// </summary>
    public IReadOnlyList<int> ToolCallMarkerTokens { get; }

    /// <summary>Gets the context size in tokens.</summary>
    public int ContextSize => _engine.ContextSize;

    /// <summary>Gets the most prompt tokens one request may send; 0 means only the context size limits it.</summary>
    public int MaxPromptTokens { get; }

    /// <summary>
    /// Gets a value indicating whether the model generates text; false for embedding-only encoders (BERT and
    /// kin), whose requests to <see cref="Submit"/> are refused.
    /// </summary>
    public bool CanGenerate { get; }

    /// <summary>Gets the vocabulary size.</summary>
    public int VocabularySize => _weights.Vocab.Count;

    /// <summary>Loads a GGUF file and starts its engine.</summary>
    /// <exception cref="ModelLoadException">The file is missing, unreadable or not a model llama.cpp can load.</exception>
    public static ModelHost Load(ModelSettings settings, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var header = ModelFileCheck.EnsureValid(settings.Path);
        NativeBackend.EnsureConfigured(loggerFactory);
        // llama.cpp pads a context to a multiple of 256 anyway, and below a few cells it aborts while reserving outputs.
        var requested = settings.ContextSize is > 0 and < MinimumContextSize ? MinimumContextSize : settings.ContextSize;
        var contextSize = LearnedPositions.ContextSize(header, requested, out var limited);
        if (limited) LogContextLimited(loggerFactory.CreateLogger<ModelHost>(), settings.Name, settings.ContextSize, contextSize);
        var threads = settings.Threads > 0 ? settings.Threads : PhysicalCores.Count;
        var engineOptions = new EngineOptions
        {
            BatchSize = settings.BatchSize,
            Parallel = settings.Parallel,
            MaxQueue = settings.MaxQueue,
            CacheSlots = settings.CacheSlots ?? settings.Parallel,
            Threads = threads,
            MaxPromptTokens = settings.MaxPromptTokens,
        };
        var parameters = new ModelParams(settings.Path)
        {
            GpuLayerCount = settings.GpuLayers < 0 ? -1 : settings.GpuLayers,
            ContextSize = contextSize > 0 ? (uint)contextSize : null,
            BatchSize = (uint)settings.BatchSize,
            UBatchSize = (uint)settings.BatchSize,
            SeqMax = (uint)Math.Min(engineOptions.SequenceIds, NativeApi.llama_max_parallel_sequences()),
            Threads = threads,
            BatchThreads = threads,
        };

        LLamaWeights weights;
        using (NativeLoadErrors.Capture())
        {
            try
            {
                weights = LLamaWeights.LoadFromFile(parameters);
            }
            catch (Exception ex) when (ex is LLama.Exceptions.RuntimeError or InvalidOperationException)
            {
                // LLamaSharp says only "Failed to load model"; llama.cpp's own reason is in its error log.
                var reason = NativeLoadErrors.Reason() ?? ex.Message;
                throw new ModelLoadException($"llama.cpp could not load '{settings.Path}': {ModelFileCheck.OneLine(reason)}", ex);
            }
        }

        try
        {
            var metadata = weights.Metadata;
            var modelTemplate = metadata.GetValueOrDefault("tokenizer.chat_template");
            var template = ChatTemplate.Create(weights.NativeHandle, SpecialTokens(weights), modelTemplate, settings.ChatTemplate, loggerFactory.CreateLogger<ChatTemplate>());
            var engine = new InferenceEngine(weights, parameters, engineOptions, loggerFactory.CreateLogger<InferenceEngine>());
            var info = Describe(settings, weights, engine.ContextSize, modelTemplate, template.Source);
            return new ModelHost(weights, engine, template, info, settings, threads);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Tokenizes text, in linear time, stopping between chunks when cancelled (see <see cref="PromptTokenizer"/>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecial">Whether to add BOS where the model wants it.</param>
    /// <param name="parseSpecial">Whether control-token text such as <c>&lt;|im_start|&gt;</c> becomes control tokens.</param>
    /// <param name="cancellationToken">Stops tokenizing; the request that wanted the tokens is gone.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial, CancellationToken cancellationToken = default)
        => _tokenizer.Tokenize(text, addSpecial && _weights.Vocab.ShouldAddBOS, parseSpecial, cancellationToken);

    /// <summary>
    /// Returns a lower bound on the number of tokens <paramref name="text"/> becomes, computed from its UTF-8 length
    /// without tokenizing it; 0 when the vocabulary gives no bound.
    /// </summary>
    public int MinimumTokens(string text) => _tokenizer.MinimumTokens(text);

    /// <summary>Gets how many characters this model has tokenized since it was loaded.</summary>
    public long CharactersTokenized => _tokenizer.CharactersTokenized;

    /// <summary>Gets the most characters tokenized in one llama.cpp call since the model was loaded.</summary>
    public int LongestTokenizerCall => _tokenizer.LongestCall;

    /// <summary>
    /// Renders a conversation with the model's template, keeping the client's control-token look-alikes apart from
    /// the template's own control tokens (see <see cref="ChatPromptTokenizer"/>).
    /// </summary>
    /// <inheritdoc cref="ChatTemplate.Render(IReadOnlyList{ChatPromptMessage}, ChatRenderOptions?, CancellationToken)"/>
    public ChatPrompt RenderChat(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions? options = null, CancellationToken cancellationToken = default)
        => _chat.Render(Template, messages, options, cancellationToken);

    /// <summary>Renders a conversation with another template (a client's, for a template author), as <see cref="RenderChat(IReadOnlyList{ChatPromptMessage}, ChatRenderOptions?, CancellationToken)"/> does.</summary>
    /// <inheritdoc cref="ChatTemplate.Render(IReadOnlyList{ChatPromptMessage}, ChatRenderOptions?, CancellationToken)"/>
    public ChatPrompt RenderChat(ChatTemplate template, IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions? options = null, CancellationToken cancellationToken = default)
        => _chat.Render(template, messages, options, cancellationToken);

    /// <summary>
    /// Tokenizes a rendered chat prompt: the template's control-token text becomes control tokens, a client's
    /// look-alikes stay text, and BOS is added only when the model wants it and the template did not already print it
    /// (many templates start with <c>{{ bos_token }}</c>).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public int[] TokenizeChat(ChatPrompt prompt, CancellationToken cancellationToken = default) => _chat.Tokenize(prompt, cancellationToken);

    /// <summary>
    /// Returns the bytes of one token's text (part of a UTF-8 character for byte tokens). Control tokens are empty
    /// unless <paramref name="renderSpecial"/> is set, which gives their text (<c>&lt;|im_start|&gt;</c>) as
    /// llama-server's <c>/tokenize</c> pieces do.
    /// </summary>
    public byte[] TokenBytes(int token, bool renderSpecial = false)
    {
        Span<byte> piece = stackalloc byte[256];
        var length = (int)_weights.NativeHandle.TokenToSpan(token, piece, 0, renderSpecial);
        return piece[..Math.Min(length, piece.Length)].ToArray();
    }

    /// <summary>
    /// Turns tokens back into text, as llama.cpp's <c>llama_detokenize</c> does: control tokens render as nothing
    /// (or as their text when <paramref name="renderSpecial"/> is set, as llama-server's <c>/detokenize</c> does), and
    /// the space a SentencePiece vocabulary prefixes when tokenizing is taken off the first piece.
    /// </summary>
    public string Detokenize(IReadOnlyList<int> tokens, bool renderSpecial = false)
    {
        var decoder = new TokenTextDecoder();
        Span<byte> piece = stackalloc byte[256];
        var text = new System.Text.StringBuilder();
        // SentencePiece tokenizing prepends a space (add_space_prefix) that llama_detokenize and Hugging Face's decoder
        // take off the first piece again, so text round-trips.
        var lstrip = _addsSpacePrefix ? 1 : 0;
        foreach (var token in tokens)
        {
            var length = (int)_weights.NativeHandle.TokenToSpan(token, piece, lstrip, renderSpecial);
            lstrip = 0;
            text.Append(decoder.Push(piece[..Math.Min(length, piece.Length)]));
        }
        return text.Append(decoder.Flush()).ToString();
    }

    /// <summary>Returns the engine's counters (tokens, sequences, KV cells, prefix cache, latencies).</summary>
    public EngineMetrics GetMetrics() => _engine.GetMetrics();

    /// <summary>Validates and queues a generation request.</summary>
    /// <inheritdoc cref="InferenceEngine.Submit"/>
    /// <exception cref="InvalidInputException">The model only embeds (<see cref="CanGenerate"/> is false); the parameter is <c>model</c>.</exception>
    public GenerationStream Submit(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        EnsureCanGenerate();
        return _engine.Submit(request, cancellationToken);
    }

    /// <summary>Refuses an embedding-only model, for every path that prepares generation (rendering a chat prompt included).</summary>
    /// <exception cref="InvalidInputException">The model only embeds (<see cref="CanGenerate"/> is false); the parameter is <c>model</c>.</exception>
    public void EnsureCanGenerate()
    {
        if (!CanGenerate)
            throw new InvalidInputException($"Model '{Info.Name}' ({Info.Architecture}) is an embedding model: it has no language-model head and cannot generate text; use it for embeddings.", InputPart.Model);
    }

    /// <summary>Gets the embedding engine, created on first use so chat-only deployments do not pay for its context.</summary>
    public EmbeddingEngine Embeddings => _embeddings!.Value;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_embeddings is { IsValueCreated: true }) _embeddings.Value.Dispose();
        _embeddings = null;
        _engine.Dispose();
        _weights.Dispose();
    }

    // A marker is preserved only when it is one token that renders as nothing unless special tokens are printed.
    private static int[] ControlTokensOf(LLamaWeights weights, IEnumerable<string> texts)
    {
        var ids = new List<int>();
        Span<byte> plain = stackalloc byte[256];
        Span<byte> special = stackalloc byte[256];
        foreach (var text in texts)
        {
            var tokens = weights.Tokenize(text, false, true, System.Text.Encoding.UTF8);
            if (tokens.Length != 1) continue;
            var plainLength = weights.NativeHandle.TokenToSpan(tokens[0], plain, 0, false);
            var specialLength = (int)weights.NativeHandle.TokenToSpan(tokens[0], special, 0, true);
            if (plainLength == 0 && specialLength > 0 && System.Text.Encoding.UTF8.GetString(special[..Math.Min(specialLength, special.Length)]) == text)
                ids.Add((int)tokens[0]);
        }
        return [.. ids.Distinct()];
    }

    /// <summary>Gets the text of the model's BOS and EOS tokens, as templates print them.</summary>
    public SpecialTokenText SpecialTokenText => SpecialTokens(_weights);

    private static SpecialTokenText SpecialTokens(LLamaWeights weights)
    {
        var vocab = weights.Vocab;
        return new SpecialTokenText(vocab.BOS is { } bos ? vocab.LLamaTokenToString(bos, true) ?? string.Empty : string.Empty,
            vocab.EOS is { } eos ? vocab.LLamaTokenToString(eos, true) ?? string.Empty : string.Empty);
    }

    private static EmbeddingEngine CreateEmbeddings(LLamaWeights weights, ModelInfo info, ModelSettings settings, int threads)
    {
        var declaresPooling = weights.Metadata.ContainsKey($"{info.Architecture}.pooling_type");
        return new EmbeddingEngine(weights, settings.Path, declaresPooling, new EmbeddingOptions
        {
            MaxInputTokens = Math.Min(info.ContextSize, 2048),
            Threads = threads,
            GpuLayers = settings.GpuLayers < 0 ? -1 : settings.GpuLayers,
        });
    }

    private static ModelInfo Describe(ModelSettings settings, LLamaWeights weights, int contextSize, string? modelTemplate, string templateSource)
    {
        var handle = weights.NativeHandle;
        var architecture = weights.Metadata.GetValueOrDefault("general.architecture") ?? "unknown";
        var quantization = handle.FileType.ToString().Replace("MOSTLY_", "", StringComparison.Ordinal).Replace("ALL_", "", StringComparison.Ordinal);
        var created = new DateTimeOffset(File.GetLastWriteTimeUtc(settings.Path)).ToUnixTimeSeconds();
        return new ModelInfo(settings.Name, architecture, handle.ParameterCount, handle.SizeInBytes, quantization,
            weights.ContextSize, contextSize, modelTemplate, templateSource, created);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model '{Name}' has a learned position table of {Trained} positions: its context is {Trained} tokens, not the {Requested} asked for (a position past the table would abort llama.cpp).")]
    private static partial void LogContextLimited(ILogger logger, string name, int requested, int trained);
}
