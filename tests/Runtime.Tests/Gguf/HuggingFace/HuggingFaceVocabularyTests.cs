using System.Text.Json.Nodes;
using Llm.Runtime.Gguf;
using Llm.Runtime.Gguf.HuggingFace;

namespace Llm.Runtime.Tests.Gguf.HuggingFace;

/// <summary>
/// The converter on small hand-made tokenizer.json / tokenizer_config.json texts: token types, holes, both merge
/// shapes, special ids, templates, the SentencePiece-style scores, the GGUF keys written, and every refusal.
/// </summary>
public sealed class HuggingFaceVocabularyTests
{
    private const string Llama3Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Qwen2Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>A byte-level BPE tokenizer.json: vocab a b c ab abc Ġ, merges a+b then ab+c, given added tokens.</summary>
    private static JsonObject ByteLevel(string regex = Llama3Regex, JsonNode? merges = null, JsonArray? added = null) => new()
    {
        ["model"] = new JsonObject
        {
            ["type"] = "BPE",
            ["vocab"] = new JsonObject { ["a"] = 0, ["b"] = 1, ["c"] = 2, ["ab"] = 3, ["abc"] = 4, ["Ġ"] = 5 },
            ["merges"] = merges ?? new JsonArray("a b", "ab c"),
        },
        ["added_tokens"] = added ?? new JsonArray(),
        ["pre_tokenizer"] = new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(
                new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = regex }, ["behavior"] = "Isolated" },
                new JsonObject { ["type"] = "ByteLevel", ["use_regex"] = false }),
        },
        ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
    };

    private static JsonObject Added(int id, string content, bool special) => new() { ["id"] = id, ["content"] = content, ["special"] = special, ["normalized"] = false };

    private static HuggingFaceVocabulary Convert(JsonObject tokenizer, JsonObject? config = null, HuggingFaceVocabularyOptions? options = null)
        => HuggingFaceVocabulary.Parse(tokenizer.ToJsonString(), config?.ToJsonString(), options);

    private static HuggingFaceVocabularyException Refused(JsonObject tokenizer, JsonObject? config = null, HuggingFaceVocabularyOptions? options = null)
        => Assert.Throws<HuggingFaceVocabularyException>(() => Convert(tokenizer, config, options));

    [Fact]
    public void ByteLevelBpeKeepsTokensAndMergesAndDetectsThePreTokenizer()
    {
        var vocabulary = Convert(ByteLevel());
        Assert.Equal("gpt2", vocabulary.Model);
        Assert.Equal("llama-bpe", vocabulary.Pre);
        Assert.Equal(["a", "b", "c", "ab", "abc", "Ġ"], vocabulary.Tokens);
        Assert.All(vocabulary.TokenTypes, t => Assert.Equal(HuggingFaceTokenType.Normal, t));
        Assert.Null(vocabulary.Scores);
        Assert.Equal(2, vocabulary.MergeCount);
        Assert.Equal("qwen2", Convert(ByteLevel(Qwen2Regex)).Pre);
    }

    [Fact]
    public void PairMergesAreWrittenAsStringsWithSpacesInsidePartsEscaped()
    {
        var file = Write(Convert(ByteLevel(merges: new JsonArray(new JsonArray("a", "b"), new JsonArray("ab", "c"), new JsonArray("a b", "c")))));
        var merges = (string[])file.Metadata["tokenizer.ggml.merges"].Value;
        Assert.Equal(["a b", "ab c", "aĠb c"], merges);
        var strings = Write(Convert(ByteLevel()));
        Assert.Equal(["a b", "ab c"], (string[])strings.Metadata["tokenizer.ggml.merges"].Value);
    }

    [Fact]
    public void AddedTokensAreControlWhenSpecialOrLookingSpecialAndUserDefinedOtherwise()
    {
        var vocabulary = Convert(ByteLevel(added: new JsonArray(
            Added(6, "<|begin|>", true), Added(7, "<tool>", false), Added(8, "<|fim|>", false), Added(10, "▁x▁", false))));
        Assert.Equal(11, vocabulary.TokenCount);
        Assert.Equal(HuggingFaceTokenType.Control, vocabulary.TokenTypes[6]);
        Assert.Equal(HuggingFaceTokenType.UserDefined, vocabulary.TokenTypes[7]);
        Assert.Equal(HuggingFaceTokenType.Control, vocabulary.TokenTypes[8]);
        // The hole at 9 is filled as llama.cpp's converter fills it.
        Assert.Equal("[PAD9]", vocabulary.Tokens[9]);
        Assert.Equal(HuggingFaceTokenType.Unused, vocabulary.TokenTypes[9]);
        // In a byte-level vocabulary '▁' in a user-defined token stands for a space, which llama.cpp renders as is.
        Assert.Equal(" x ", vocabulary.Tokens[10]);
    }

    [Fact]
    public void HolesInTheVocabularyAndAMinimumCountArePadded()
    {
        var tokenizer = ByteLevel();
        tokenizer["model"]!["vocab"] = new JsonObject { ["a"] = 0, ["b"] = 3 };
        tokenizer["model"]!["merges"] = new JsonArray();
        var vocabulary = Convert(tokenizer, options: new() { MinimumTokenCount = 6 });
        Assert.Equal(["a", "[PAD1]", "[PAD2]", "b", "[PAD4]", "[PAD5]"], vocabulary.Tokens);
        Assert.Equal([HuggingFaceTokenType.Normal, HuggingFaceTokenType.Unused, HuggingFaceTokenType.Unused, HuggingFaceTokenType.Normal, HuggingFaceTokenType.Unused, HuggingFaceTokenType.Unused], vocabulary.TokenTypes);
    }

    [Fact]
    public void SpecialIdsComeFromTheConfigAndFromTheTextsLlamaCppKnows()
    {
        var tokenizer = ByteLevel(added: new JsonArray(Added(6, "<s>", true), Added(7, "<|im_end|>", true), Added(8, "<|endoftext|>", true), Added(9, "<pad>", true), Added(10, "<|reserved_4|>", true)));
        // A model unk_token the vocabulary lacks is ignored; one the config names must exist.
        tokenizer["model"]!["unk_token"] = "<unk>";
        var config = new JsonObject
        {
            ["bos_token"] = new JsonObject { ["content"] = "<s>", ["__type"] = "AddedToken" },
            ["eos_token"] = "<|endoftext|>",
            ["pad_token"] = "<pad>",
            ["unk_token"] = null,
            ["add_bos_token"] = true,
        };
        var vocabulary = Convert(tokenizer, config);
        Assert.Equal(6, vocabulary.BosTokenId);
        Assert.Equal(8, vocabulary.EosTokenId);
        // The EOS is itself an end of turn for llama.cpp, so it is the EOT.
        Assert.Equal(8, vocabulary.EotTokenId);
        Assert.Equal(9, vocabulary.PaddingTokenId);
        Assert.Null(vocabulary.UnknownTokenId);
        Assert.Null(vocabulary.EomTokenId);
        Assert.True(vocabulary.AddBos);
        Assert.False(vocabulary.AddEos);

        // An EOS llama.cpp does not know as an end of turn: the EOT is the first such text, by llama.cpp's preference.
        config["eos_token"] = "<s>";
        Assert.Equal(7, Convert(tokenizer, config).EotTokenId);

        // A BOS id for a tokenizer whose config names none, as Qwen's config.json gives it; the config wins.
        var noBos = new JsonObject { ["eos_token"] = "<|im_end|>" };
        Assert.Null(Convert(tokenizer, noBos).BosTokenId);
        Assert.Equal(8, Convert(tokenizer, noBos, new() { BosTokenId = 8 }).BosTokenId);
        Assert.Equal(6, Convert(tokenizer, config, new() { BosTokenId = 8 }).BosTokenId);
        Assert.Contains("BOS id 11", Refused(tokenizer, noBos, new() { BosTokenId = 11 }).Message);

        // A rename makes the end-of-message token.
        var renamed = Convert(tokenizer, config, new() { Renames = new Dictionary<int, string> { [10] = "<|eom_id|>" } });
        Assert.Equal(10, renamed.EomTokenId);
        Assert.Equal("<|eom_id|>", renamed.Tokens[10]);
        // A config naming a token a rename took away is refused.
        Assert.Contains("pad_token '<pad>'", Refused(tokenizer, config, new() { Renames = new Dictionary<int, string> { [9] = "<x>" } }).Message);
    }

    [Fact]
    public void BosInsertionFollowsTheConfigThenThePostProcessorThenTheLlama3Default()
    {
        var tokenizer = ByteLevel(added: new JsonArray(Added(6, "<s>", true)));
        var config = new JsonObject { ["bos_token"] = "<s>" };
        Assert.True(Convert(tokenizer, config).AddBos); // llama-bpe
        Assert.False(Convert(ByteLevel(Qwen2Regex, added: new JsonArray(Added(6, "<s>", true))), config).AddBos);

        tokenizer["post_processor"] = new JsonObject
        {
            ["type"] = "Sequence",
            ["processors"] = new JsonArray(new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A" } }),
            }),
        };
        Assert.False(Convert(tokenizer, config).AddBos);
        config["add_bos_token"] = true;
        Assert.True(Convert(tokenizer, config).AddBos);
    }

    [Fact]
    public void TheChatTemplateIsTheConfigsOrItsDefaultOrTheOption()
    {
        Assert.Equal("{{ x }}", Convert(ByteLevel(), new JsonObject { ["chat_template"] = "{{ x }}" }).ChatTemplate);
        var named = new JsonObject
        {
            ["chat_template"] = new JsonArray(
                new JsonObject { ["name"] = "tool_use", ["template"] = "tools" },
                new JsonObject { ["name"] = "default", ["template"] = "plain" }),
        };
        Assert.Equal("plain", Convert(ByteLevel(), named).ChatTemplate);
        Assert.Equal("mine", Convert(ByteLevel(), named, new() { ChatTemplate = "mine" }).ChatTemplate);
        Assert.Null(Convert(ByteLevel()).ChatTemplate);
        named["chat_template"]!.AsArray().RemoveAt(1);
        Assert.Contains("default", Refused(ByteLevel(), named).Message);
    }

    [Fact]
    public void ByteFallbackBpeBecomesSentencePieceWithByteTokensAndScoresFromMergeRanks()
    {
        var tokenizer = new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["byte_fallback"] = true,
                ["unk_token"] = "<unk>",
                ["vocab"] = new JsonObject { ["<unk>"] = 0, ["<0x41>"] = 1, ["▁"] = 2, ["a"] = 3, ["b"] = 4, ["▁a"] = 5, ["ab"] = 6, ["▁ab"] = 7, ["ba"] = 8 },
                ["merges"] = new JsonArray(new JsonArray("a", "b"), new JsonArray("▁", "a"), new JsonArray("▁a", "b"), new JsonArray("▁", "ab")),
            },
            ["normalizer"] = new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = "▁" },
            // The unknown token is also an added special token (as Gemma's is): its type is still unknown.
            ["added_tokens"] = new JsonArray(Added(0, "<unk>", true)),
        };
        var vocabulary = Convert(tokenizer);
        Assert.Equal("llama", vocabulary.Model);
        Assert.Equal("default", vocabulary.Pre);
        Assert.Equal(HuggingFaceTokenType.Unknown, vocabulary.TokenTypes[0]);
        Assert.Equal(HuggingFaceTokenType.Byte, vocabulary.TokenTypes[1]);
        Assert.Equal(0, vocabulary.UnknownTokenId);
        Assert.False(vocabulary.AddSpacePrefix);
        Assert.Equal(0, vocabulary.MergeCount);
        var scores = vocabulary.Scores!;
        // Earlier merges score higher; a token made by two merges keeps its first rank; one no merge makes ranks last.
        Assert.Equal(0f, scores[6]);
        Assert.Equal(-1f, scores[5]);
        Assert.Equal(-2f, scores[7]);
        Assert.True(scores[8] < scores[7]);
        var file = Write(vocabulary);
        Assert.Equal(9, ((float[])file.Metadata["tokenizer.ggml.scores"].Value).Length);
        Assert.False(file.Metadata["tokenizer.ggml.add_space_prefix"].Get<bool>());
        Assert.False(file.Metadata.ContainsKey("tokenizer.ggml.merges"));

        tokenizer["normalizer"] = new JsonObject
        {
            ["type"] = "Sequence",
            ["normalizers"] = new JsonArray(new JsonObject { ["type"] = "Prepend", ["prepend"] = "▁" }, tokenizer["normalizer"]!.DeepClone()),
        };
        Assert.True(Convert(tokenizer).AddSpacePrefix);
    }

    [Fact]
    public void WriteToSetsTheKeysLlamaCppReads()
    {
        var tokenizer = ByteLevel(added: new JsonArray(Added(6, "<s>", true), Added(7, "<|eot_id|>", true)));
        var vocabulary = Convert(tokenizer, new JsonObject { ["bos_token"] = "<s>", ["eos_token"] = "<|eot_id|>", ["chat_template"] = "t" });
        var file = Write(vocabulary);
        Assert.Equal("gpt2", file.GetString("tokenizer.ggml.model"));
        Assert.Equal("llama-bpe", file.GetString("tokenizer.ggml.pre"));
        Assert.Equal(vocabulary.Tokens, (string[])file.Metadata["tokenizer.ggml.tokens"].Value);
        Assert.Equal([1, 1, 1, 1, 1, 1, 3, 3], (int[])file.Metadata["tokenizer.ggml.token_type"].Value);
        Assert.Equal(GgufValueType.UInt32, file.Metadata["tokenizer.ggml.bos_token_id"].Type);
        Assert.Equal(6L, file.GetInteger("tokenizer.ggml.bos_token_id"));
        Assert.Equal(7L, file.GetInteger("tokenizer.ggml.eos_token_id"));
        Assert.Equal(7L, file.GetInteger("tokenizer.ggml.eot_token_id"));
        Assert.False(file.Metadata.ContainsKey("tokenizer.ggml.eom_token_id"));
        Assert.True(file.Metadata["tokenizer.ggml.add_bos_token"].Get<bool>());
        Assert.False(file.Metadata["tokenizer.ggml.add_eos_token"].Get<bool>());
        Assert.False(file.Metadata.ContainsKey("tokenizer.ggml.add_space_prefix"));
        Assert.Equal("t", file.GetString("tokenizer.chat_template"));
    }

    [Fact]
    public void AnUnknownPreTokenizerIsRefusedNamingItsRegexUnlessNamed()
    {
        var tokenizer = ByteLevel(@"\p{L}+|\s+");
        var error = Refused(tokenizer);
        Assert.Contains(@"\p{L}+|\s+", error.Message);
        Assert.Equal("my-pre", Convert(tokenizer, options: new() { Pre = "my-pre" }).Pre);
        // A lone ByteLevel step splits with GPT-2's regex.
        tokenizer["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["use_regex"] = true };
        Assert.Equal("gpt-2", Convert(tokenizer).Pre);
    }

    public static TheoryData<string, string> BadTokenizers() => new()
    {
        { "not json {", "not valid JSON" },
        { "[]", "not a JSON object" },
        { "{}", "no 'model'" },
        { """{"model":{"type":"WordPiece","vocab":{"a":0}}}""", "'WordPiece'" },
        { """{"model":{"type":"BPE"}}""", "no 'vocab'" },
        { """{"model":{"type":"BPE","vocab":{}}}""", "vocab is empty" },
        { """{"model":{"type":"BPE","vocab":{"a":-1}}}""", "id -1" },
        { """{"model":{"type":"BPE","vocab":{"a":99999999999}}}""", "id 99999999999" },
        { """{"model":{"type":"BPE","vocab":{"a":1.5}}}""", "not an integer" },
        { """{"model":{"type":"BPE","vocab":{"a":0,"b":0}}}""", "id 0 to both" },
        { """{"model":{"type":"BPE","vocab":{"a":0,"a":1}}}""", "'a' twice" },
        { """{"model":{"type":"BPE","vocab":{"a":0},"merges":["abc"]},"decoder":{"type":"ByteLevel"}}""", "merge 'abc'" },
        { """{"model":{"type":"BPE","vocab":{"a":0},"merges":[["a"]]},"decoder":{"type":"ByteLevel"}}""", "merge [\"a\"]" },
        { """{"model":{"type":"BPE","vocab":{"a":0},"merges":{}},"decoder":{"type":"ByteLevel"}}""", "merges is not a list" },
        { """{"model":{"type":"BPE","vocab":{"a":0}},"added_tokens":[{"id":1,"content":"x"},{"id":1,"content":"y"}]}""", "id 1 twice" },
        { """{"model":{"type":"BPE","vocab":{"a":0}},"added_tokens":[{"content":"x"}]}""", "lacks an id" },
        { """{"model":{"type":"BPE","vocab":{"a":0}}}""", "neither byte-level" },
    };

    [Theory]
    [MemberData(nameof(BadTokenizers))]
    public void BadTokenizersAreRefusedWithAClearMessage(string json, string message)
    {
        var error = Assert.Throws<HuggingFaceVocabularyException>(() => HuggingFaceVocabulary.Parse(json, null));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void BadConfigsAndOptionsAreRefused()
    {
        Assert.Contains("'<s>' is not a token", Refused(ByteLevel(), new JsonObject { ["bos_token"] = "<s>" }).Message);
        Assert.Contains("unk_token '<unk>' is not a token", Refused(ByteLevel(), new JsonObject { ["unk_token"] = "<unk>" }).Message);
        Assert.Contains("add_bos_token is not a boolean", Refused(ByteLevel(), new JsonObject { ["add_bos_token"] = "yes" }).Message);
        Assert.Contains("eos_token", Refused(ByteLevel(), new JsonObject { ["eos_token"] = 3 }).Message);
        Assert.Contains("chat_template", Refused(ByteLevel(), new JsonObject { ["chat_template"] = 3 }).Message);
        Assert.Contains("not valid JSON", Assert.Throws<HuggingFaceVocabularyException>(() => HuggingFaceVocabulary.Parse(ByteLevel().ToJsonString(), "{")).Message);
        Assert.Contains("rename token 6", Refused(ByteLevel(), options: new() { Renames = new Dictionary<int, string> { [6] = "x" } }).Message);
        Assert.Contains("does not exist", Assert.Throws<HuggingFaceVocabularyException>(() => HuggingFaceVocabulary.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")))).Message);
    }

    [Fact]
    public void LoadReadsBothFilesFromAFolder()
    {
        var folder = Directory.CreateTempSubdirectory("llm-hf-vocab-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), ByteLevel(added: new JsonArray(Added(6, "<|im_end|>", true))).ToJsonString());
            File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"eos_token":"<|im_end|>","chat_template":"t"}""");
            var vocabulary = HuggingFaceVocabulary.Load(folder);
            Assert.Equal(6, vocabulary.EosTokenId);
            Assert.Equal("t", vocabulary.ChatTemplate);
            File.Delete(Path.Combine(folder, "tokenizer_config.json"));
            Assert.Null(HuggingFaceVocabulary.Load(folder).EosTokenId);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static GgufFile Write(HuggingFaceVocabulary vocabulary)
    {
        var stream = new MemoryStream();
        vocabulary.WriteTo(new GgufWriter().Set("general.architecture", GgufValue.String("llama"))).WriteTo(stream);
        return GgufReader.Read(new MemoryStream(stream.ToArray()));
    }
}
