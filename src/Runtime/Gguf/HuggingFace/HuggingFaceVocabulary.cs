using System.Text.Json;

namespace Llm.Runtime.Gguf.HuggingFace;

/// <summary>
/// A GGUF vocabulary (the <c>tokenizer.*</c> keys llama.cpp reads, <c>src/llama-vocab.cpp</c>) built from a Hugging Face
/// BPE tokenizer: <c>tokenizer.json</c> (the <c>tokenizers</c> library's format) and <c>tokenizer_config.json</c>
/// (transformers' settings), converted the way llama.cpp's <c>convert_hf_to_gguf.py</c> and gguf-py's
/// <c>vocab.py</c> convert them.
/// <list type="bullet">
/// <item>Byte-level BPE (GPT-2, Llama 3, Qwen) becomes <c>tokenizer.ggml.model = gpt2</c> with its merges and a
/// <c>pre</c> detected from the split regex (<c>llama-bpe</c>, <c>qwen2</c>, <c>gpt-2</c>) or given.</item>
/// <item>BPE with byte fallback over <c>▁</c>-escaped text (Gemma) becomes <c>tokenizer.ggml.model = llama</c>
/// (SentencePiece), <c>&lt;0xXX&gt;</c> tokens of type byte, and scores from the merge ranks
/// (<see cref="SentencePieceScores"/>).</item>
/// </list>
/// Every id 0..N-1 gets a token; holes get <c>[PAD{id}]</c> of type unused. Added tokens are control tokens when
/// marked special (or looking special to llama.cpp's converter, e.g. <c>&lt;|...|&gt;</c>), user-defined otherwise.
/// </summary>
public sealed class HuggingFaceVocabulary
{
    private readonly List<(string Left, string Right)> _merges;

    private HuggingFaceVocabulary(string model, string pre, string[] tokens, HuggingFaceTokenType[] types, float[]? scores,
        List<(string Left, string Right)> merges)
    {
        Model = model;
        Pre = pre;
        Tokens = tokens;
        TokenTypes = types;
        Scores = scores;
        _merges = merges;
    }

    /// <summary><c>tokenizer.ggml.model</c>: <c>gpt2</c> (byte-level BPE) or <c>llama</c> (SentencePiece-style).</summary>
    public string Model { get; }

    /// <summary><c>tokenizer.ggml.pre</c>: llama.cpp's pre-tokenizer name (<c>default</c> for SentencePiece).</summary>
    public string Pre { get; }

    /// <summary>The token texts by id (<c>tokenizer.ggml.tokens</c>), renames applied.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The token types by id (<c>tokenizer.ggml.token_type</c>).</summary>
    public IReadOnlyList<HuggingFaceTokenType> TokenTypes { get; }

    /// <summary><c>tokenizer.ggml.scores</c> for SentencePiece-style vocabularies; null for byte-level BPE.</summary>
    public IReadOnlyList<float>? Scores { get; }

    /// <summary>The number of merges written (<c>tokenizer.ggml.merges</c>; none for SentencePiece-style).</summary>
    public int MergeCount => Model == "gpt2" ? _merges.Count : 0;

    /// <summary>The number of tokens, every id from 0 to the largest one (or <see cref="HuggingFaceVocabularyOptions.MinimumTokenCount"/>).</summary>
    public int TokenCount => Tokens.Count;

    /// <summary>The BOS token id from <c>bos_token</c>, or null when the tokenizer has none.</summary>
    public int? BosTokenId { get; private init; }

    /// <summary>The EOS token id from <c>eos_token</c>.</summary>
    public int? EosTokenId { get; private init; }

    /// <summary>The end-of-turn id: the EOS token when llama.cpp knows its text as an end of turn, else the first such
    /// text present (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|im_end|&gt;</c>, <c>&lt;end_of_turn&gt;</c>, ...).</summary>
    public int? EotTokenId { get; private init; }

    /// <summary>The id of <c>&lt;|eom_id|&gt;</c> when present (Llama 3.1).</summary>
    public int? EomTokenId { get; private init; }

    /// <summary>The padding id from <c>pad_token</c>.</summary>
    public int? PaddingTokenId { get; private init; }

    /// <summary>The unknown-token id from <c>unk_token</c> (config, else the model's).</summary>
    public int? UnknownTokenId { get; private init; }

    /// <summary>Whether a BOS is put before a prompt: <c>add_bos_token</c>, else the post-processor's template, else true
    /// for <c>llama-bpe</c> (as llama.cpp's loader assumes).</summary>
    public bool AddBos { get; private init; }

    /// <summary>Whether an EOS is put after a prompt: <c>add_eos_token</c>, else the post-processor's template.</summary>
    public bool AddEos { get; private init; }

    /// <summary>For SentencePiece-style vocabularies, whether a space is put before the text; null for byte-level BPE.</summary>
    public bool? AddSpacePrefix { get; private init; }

    /// <summary>The chat template (<c>tokenizer.chat_template</c>): the option, else the config's (its <c>default</c> one
    /// when it lists several).</summary>
    public string? ChatTemplate { get; private init; }

    /// <summary>Reads <c>tokenizer.json</c> and <c>tokenizer_config.json</c> (optional) from a folder.</summary>
    /// <exception cref="HuggingFaceVocabularyException">A file is missing or unreadable, or the tokenizer cannot be converted.</exception>
    public static HuggingFaceVocabulary Load(string folder, HuggingFaceVocabularyOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var tokenizerPath = Path.Combine(folder, "tokenizer.json");
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(tokenizerPath))
            throw new HuggingFaceVocabularyException($"'{tokenizerPath}' does not exist.");
        try
        {
            using var tokenizerStream = File.OpenRead(tokenizerPath);
            using var tokenizer = ParseJson(tokenizerStream, "tokenizer.json");
            if (!File.Exists(configPath))
                return Build(tokenizer.RootElement, null, options);
            using var configStream = File.OpenRead(configPath);
            using var config = ParseJson(configStream, "tokenizer_config.json");
            return Build(tokenizer.RootElement, config.RootElement, options);
        }
        catch (IOException e)
        {
            throw new HuggingFaceVocabularyException($"Reading the tokenizer files in '{folder}' failed: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new HuggingFaceVocabularyException($"Reading the tokenizer files in '{folder}' failed: {e.Message}", e);
        }
    }

    /// <summary>Converts the texts of <c>tokenizer.json</c> and (optionally) <c>tokenizer_config.json</c>.</summary>
    /// <exception cref="HuggingFaceVocabularyException">The JSON is malformed or the tokenizer cannot be converted.</exception>
    public static HuggingFaceVocabulary Parse(string tokenizerJson, string? tokenizerConfigJson, HuggingFaceVocabularyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        using var tokenizer = ParseJson(tokenizerJson, "tokenizer.json");
        if (tokenizerConfigJson is null)
            return Build(tokenizer.RootElement, null, options);
        using var config = ParseJson(tokenizerConfigJson, "tokenizer_config.json");
        return Build(tokenizer.RootElement, config.RootElement, options);
    }

    /// <summary>
    /// Writes the <c>tokenizer.*</c> keys into <paramref name="writer"/> (replacing any already there), next to whatever
    /// architecture keys and tensors the caller adds.
    /// </summary>
    public GgufWriter WriteTo(GgufWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Set(GgufVocabularyRules.Model, GgufValue.String(Model));
        writer.Set("tokenizer.ggml.pre", GgufValue.String(Pre));
        writer.Set(GgufVocabularyRules.Tokens, GgufValue.Array<string>(Tokens.ToArray()));
        writer.Set(GgufVocabularyRules.TokenTypes, GgufValue.Array<int>(TokenTypes.Select(t => (int)t).ToArray()));
        if (Scores is not null)
            writer.Set(GgufVocabularyRules.Scores, GgufValue.Array<float>(Scores.ToArray()));
        if (Model == "gpt2")
            writer.Set(GgufVocabularyRules.Merges, GgufValue.Array<string>(_merges.Select(HuggingFaceBpeModel.MergeText).ToArray()));
        SetId(writer, "bos_token_id", BosTokenId);
        SetId(writer, "eos_token_id", EosTokenId);
        SetId(writer, "eot_token_id", EotTokenId);
        SetId(writer, "eom_token_id", EomTokenId);
        SetId(writer, "unknown_token_id", UnknownTokenId);
        SetId(writer, "padding_token_id", PaddingTokenId);
        writer.Set("tokenizer.ggml.add_bos_token", GgufValue.Bool(AddBos));
        writer.Set("tokenizer.ggml.add_eos_token", GgufValue.Bool(AddEos));
        if (AddSpacePrefix is { } prefix)
            writer.Set("tokenizer.ggml.add_space_prefix", GgufValue.Bool(prefix));
        if (ChatTemplate is not null)
            writer.Set("tokenizer.chat_template", GgufValue.String(ChatTemplate));
        return writer;
    }

    private static void SetId(GgufWriter writer, string name, int? id)
    {
        if (id is { } value)
            writer.Set("tokenizer.ggml." + name, GgufValue.UInt32((uint)value));
    }

    private static JsonDocument ParseJson(string text, string file)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new HuggingFaceVocabularyException($"{file} is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonDocument ParseJson(Stream stream, string file)
    {
        try
        {
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new HuggingFaceVocabularyException($"{file} is not valid JSON: {e.Message}", e);
        }
    }

    private static HuggingFaceVocabulary Build(JsonElement tokenizerJson, JsonElement? configJson, HuggingFaceVocabularyOptions? options)
    {
        options ??= new HuggingFaceVocabularyOptions();
        var bpe = HuggingFaceBpeModel.Parse(tokenizerJson);
        var config = configJson is { } c ? HuggingFaceTokenizerConfig.Parse(c) : new HuggingFaceTokenizerConfig(null, null, null, null, null, null, null);
        var sentencePiece = bpe.ByteFallback;
        if (!sentencePiece && !HuggingFacePipeline.IsByteLevel(tokenizerJson))
            throw new HuggingFaceVocabularyException("tokenizer.json's BPE model is neither byte-level (a ByteLevel pre-tokenizer or decoder) nor SentencePiece-style (byte_fallback); llama.cpp has no tokenizer for it.");
        var model = sentencePiece ? "llama" : "gpt2";
        var pre = options.Pre ?? (sentencePiece ? "default" : HuggingFacePreTokenizers.Detect(tokenizerJson));

        var count = Math.Max(bpe.Vocab.Keys.Max(), bpe.Added.Count == 0 ? 0 : bpe.Added.Max(a => a.Id)) + 1;
        if (options.MinimumTokenCount is { } minimum)
        {
            if (minimum is < 0 or > HuggingFaceBpeModel.MaxTokens)
                throw new ArgumentOutOfRangeException(nameof(options), minimum, $"MinimumTokenCount must be within 0..{HuggingFaceBpeModel.MaxTokens}.");
            count = Math.Max(count, minimum);
        }
        var tokens = new string[count];
        var types = new HuggingFaceTokenType[count];
        var added = bpe.Added.ToDictionary(a => a.Id);
        for (var id = 0; id < count; id++)
        {
            if (added.TryGetValue(id, out var token))
            {
                (tokens[id], types[id]) = AddedToken(token, sentencePiece, bpe.Vocab.ContainsKey(id));
            }
            else if (bpe.Vocab.TryGetValue(id, out var text))
            {
                tokens[id] = text;
                types[id] = text == bpe.UnknownToken ? HuggingFaceTokenType.Unknown
                    : sentencePiece && IsByteToken(text) ? HuggingFaceTokenType.Byte
                    : HuggingFaceTokenType.Normal;
            }
            else
            {
                tokens[id] = $"[PAD{id}]";
                types[id] = HuggingFaceTokenType.Unused;
            }
        }
        foreach (var (id, text) in options.Renames ?? new Dictionary<int, string>())
        {
            if (id < 0 || id >= count)
                throw new HuggingFaceVocabularyException($"Cannot rename token {id}: the vocabulary has ids 0..{count - 1}.");
            ArgumentException.ThrowIfNullOrEmpty(text, nameof(options));
            tokens[id] = text;
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < count; id++)
            ids.TryAdd(tokens[id], id);
        var bos = Find(ids, config.BosToken, "bos_token");
        var eos = Find(ids, config.EosToken, "eos_token");
        var unk = Find(ids, config.UnknownToken ?? bpe.UnknownToken, "unk_token");
        if (unk is { } u && types[u] == HuggingFaceTokenType.Normal)
            types[u] = HuggingFaceTokenType.Unknown;
        var eot = eos is { } e && LlamaCppSpecialTexts.EndOfTurn.Contains(tokens[e]) ? eos
            : LlamaCppSpecialTexts.EndOfTurn.Select(t => ids.TryGetValue(t, out var i) ? i : (int?)null).FirstOrDefault(i => i is not null);

        return new HuggingFaceVocabulary(model, pre, tokens, types,
            sentencePiece ? SentencePieceScores.FromMerges(tokens, bpe.Ids, bpe.Merges) : null, bpe.Merges)
        {
            BosTokenId = bos,
            EosTokenId = eos,
            EotTokenId = eot,
            EomTokenId = ids.TryGetValue(LlamaCppSpecialTexts.EndOfMessage, out var eom) ? eom : null,
            PaddingTokenId = Find(ids, config.PadToken, "pad_token"),
            UnknownTokenId = unk,
            AddBos = config.AddBos ?? HuggingFacePipeline.TemplateAdds(tokenizerJson, config.BosToken, atEnd: false) ?? pre == "llama-bpe",
            AddEos = config.AddEos ?? HuggingFacePipeline.TemplateAdds(tokenizerJson, config.EosToken, atEnd: true) ?? false,
            AddSpacePrefix = sentencePiece ? HuggingFacePipeline.PrependsSpace(tokenizerJson) : null,
            ChatTemplate = options.ChatTemplate ?? config.ChatTemplate,
        };
    }

    private static (string Text, HuggingFaceTokenType Type) AddedToken(HuggingFaceAddedToken token, bool sentencePiece, bool inModelVocab)
    {
        if (token.Special || LlamaCppSpecialTexts.LooksSpecial(token.Content))
            return (token.Content, HuggingFaceTokenType.Control);
        if (!token.Content.Contains('\u2581'))
            return (token.Content, HuggingFaceTokenType.UserDefined);
        // '▁' in an added token stands for a space. llama.cpp copies user-defined tokens verbatim when it renders them,
        // so a SentencePiece vocabulary keeps such a token of its own model normal (rendered with spaces), and a
        // byte-level one spells the space out, as llama.cpp's converter does.
        return sentencePiece && inModelVocab
            ? (token.Content, HuggingFaceTokenType.Normal)
            : (sentencePiece ? token.Content : token.Content.Replace('\u2581', ' '), HuggingFaceTokenType.UserDefined);
    }

    private static bool IsByteToken(string text) =>
        text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>' && Uri.IsHexDigit(text[3]) && Uri.IsHexDigit(text[4]);

    private static int? Find(Dictionary<string, int> ids, string? text, string name)
    {
        if (text is null)
            return null;
        return ids.TryGetValue(text, out var id) ? id
            : throw new HuggingFaceVocabularyException($"tokenizer_config.json's {name} '{text}' is not a token of the vocabulary.");
    }
}
