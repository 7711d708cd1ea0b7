using System.Text;
using LLama;
using LLama.Native;
using Llm.Runtime.Gguf.HuggingFace;

namespace Llm.Runtime.Tests.Gguf.HuggingFace;

/// <summary>
/// The Llama 3.1, Qwen3 and Gemma 3 tokenizers converted from their Hugging Face files and loaded by llama.cpp as
/// vocabulary-only GGUFs: end-of-generation tokens, BOS insertion, and how control and user-defined tokens render.
/// </summary>
public sealed class FamilyVocabularyTests(FamilyVocabularies families) : IClassFixture<FamilyVocabularies>
{
    [Theory]
    [InlineData("llama3_1", 128256, "gpt2", "llama-bpe")]
    [InlineData("qwen3", 151669, "gpt2", "qwen2")]
    [InlineData("gemma3", 262145, "llama", "default")]
    public void LlamaCppSeesEveryTokenWithTheConvertedTypes(string family, int count, string model, string pre)
    {
        var vocabulary = families.Vocabulary(family);
        var weights = families.Weights(family);
        Assert.Equal(count, vocabulary.TokenCount);
        Assert.Equal(model, vocabulary.Model);
        Assert.Equal(pre, vocabulary.Pre);
        Assert.Equal(count, weights.Vocab.Count);
        Assert.False(string.IsNullOrEmpty(vocabulary.ChatTemplate));
        Assert.Equal(vocabulary.ChatTemplate, weights.Metadata["tokenizer.chat_template"]);
        // Every 997th id renders, special tokens included, as its own text: SentencePiece's normal tokens with their
        // ▁ as spaces, its byte tokens as the byte, byte-level BPE's as the bytes its characters stand for.
        var rendered = 0;
        for (var id = 0; id < count; id += 997)
        {
            var type = vocabulary.TokenTypes[id];
            var bytes = RenderBytes(weights, id, special: true);
            byte[] expected = type switch
            {
                HuggingFaceTokenType.Byte => [Convert.ToByte(vocabulary.Tokens[id][3..5], 16)],
                HuggingFaceTokenType.Normal when model == "llama" => Encoding.UTF8.GetBytes(vocabulary.Tokens[id].Replace('\u2581', ' ')),
                HuggingFaceTokenType.Normal => [.. vocabulary.Tokens[id].Select(ByteLevel)],
                _ => Encoding.UTF8.GetBytes(vocabulary.Tokens[id]),
            };
            Assert.Equal(expected, bytes);
            rendered++;
        }
        Assert.True(rendered > 100);
    }

    // GPT-2's byte-to-character map: printable Latin-1 bytes stand for themselves, the others for U+0100 onwards.
    private static byte ByteLevel(char c)
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 0xAC - 0xA1 + 1)).Concat(Enumerable.Range(0xAE, 0xFF - 0xAE + 1)).ToList();
        if (printable.Contains(c)) return (byte)c;
        var others = Enumerable.Range(0, 256).Where(b => !printable.Contains(b)).ToList();
        return (byte)others[c - 0x100];
    }

    [Theory]
    [InlineData("llama3_1", new[] { "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>" }, new[] { "<|begin_of_text|>", "<|start_header_id|>", "<|python_tag|>" })]
    [InlineData("qwen3", new[] { "<|im_end|>", "<|endoftext|>" }, new[] { "<|im_start|>", "<tool_call>", "<think>" })]
    [InlineData("gemma3", new[] { "<end_of_turn>", "<eos>" }, new[] { "<start_of_turn>", "<bos>", "<start_of_image>" })]
    public void EndOfGenerationTokensAreTheFamilysOwn(string family, string[] endings, string[] others)
    {
        var vocabulary = families.Vocabulary(family);
        var weights = families.Weights(family);
        foreach (var text in endings)
            Assert.True(((LLamaToken)Id(vocabulary, text)).IsEndOfGeneration(weights.Vocab), $"{family}: {text} ends generation");
        foreach (var text in others)
            Assert.False(((LLamaToken)Id(vocabulary, text)).IsEndOfGeneration(weights.Vocab), $"{family}: {text} does not end generation");
        var eot = vocabulary.EotTokenId;
        Assert.NotNull(eot);
        Assert.Equal(eot, (int?)weights.Vocab.EOT);
        Assert.Equal(vocabulary.EosTokenId, (int?)weights.Vocab.EOS);
    }

    [Fact]
    public void Llama31RenamesGiveTheEndOfMessageToken()
    {
        var vocabulary = families.Vocabulary("llama3_1");
        Assert.Equal(128008, vocabulary.EomTokenId);
        Assert.Equal(128009, vocabulary.EotTokenId);
        Assert.Equal("<|python_tag|>", vocabulary.Tokens[128010]);
        Assert.Equal(128008u, families.Weights("llama3_1").Metadata.TryGetValue("tokenizer.ggml.eom_token_id", out var eom) ? uint.Parse(eom) : 0u);
    }

    [Theory]
    [InlineData("llama3_1", true, "<|begin_of_text|>")]
    [InlineData("qwen3", false, null)]
    [InlineData("gemma3", true, "<bos>")]
    public void BosIsAddedAsTheFamilyAddsIt(string family, bool addsBos, string? bos)
    {
        var vocabulary = families.Vocabulary(family);
        var weights = families.Weights(family);
        Assert.Equal(addsBos, vocabulary.AddBos);
        Assert.Equal(addsBos, weights.Vocab.ShouldAddBOS);
        var plain = Ids(weights.Tokenize("Hello world", false, false, Encoding.UTF8));
        var added = Ids(weights.Tokenize("Hello world", true, false, Encoding.UTF8));
        if (addsBos)
        {
            Assert.Equal([Id(vocabulary, bos!), .. plain], added);
            Assert.Equal(Id(vocabulary, bos!), vocabulary.BosTokenId);
        }
        else
        {
            Assert.Equal(plain, added);
        }
    }

    [Theory]
    [InlineData("llama3_1", "<|start_header_id|>", "<|reserved_special_token_10|>")]
    [InlineData("qwen3", "<|im_start|>", "<|fim_prefix|>")]
    [InlineData("gemma3", "<start_of_turn>", "<unused0>")]
    public void ControlTokensRenderOnlyWhenSpecialTokensAre(string family, string control, string alsoControl)
    {
        var vocabulary = families.Vocabulary(family);
        var weights = families.Weights(family);
        foreach (var text in new[] { control, alsoControl })
        {
            var id = Id(vocabulary, text);
            Assert.Equal(HuggingFaceTokenType.Control, vocabulary.TokenTypes[id]);
            Assert.Equal("", Render(weights, id, special: false));
            Assert.Equal(text, Render(weights, id, special: true));
            // Parsed as one token only when special tokens are parsed.
            Assert.Equal([id], Ids(weights.Tokenize(text, false, true, Encoding.UTF8)));
            Assert.NotEqual([id], Ids(weights.Tokenize(text, false, false, Encoding.UTF8)));
        }
    }

    [Theory]
    [InlineData("qwen3", "<tool_call>")]
    [InlineData("qwen3", "<think>")]
    [InlineData("gemma3", "<table>")]
    [InlineData("gemma3", "[multimodal]")]
    public void UserDefinedTokensAlwaysMatchAndRender(string family, string text)
    {
        var vocabulary = families.Vocabulary(family);
        var weights = families.Weights(family);
        var id = Id(vocabulary, text);
        Assert.Equal(HuggingFaceTokenType.UserDefined, vocabulary.TokenTypes[id]);
        Assert.Equal(text, Render(weights, id, special: false));
        Assert.Equal([id], Ids(weights.Tokenize(text, false, false, Encoding.UTF8)));
    }

    private static int Id(HuggingFaceVocabulary vocabulary, string text)
    {
        var id = vocabulary.Tokens.ToList().IndexOf(text);
        Assert.True(id >= 0, $"'{text}' is a token");
        return id;
    }

    private static string Render(LLamaWeights weights, int id, bool special) => Encoding.UTF8.GetString(RenderBytes(weights, id, special));

    private static byte[] RenderBytes(LLamaWeights weights, int id, bool special)
    {
        Span<byte> piece = stackalloc byte[512];
        var length = (int)weights.NativeHandle.TokenToSpan(id, piece, 0, special);
        return piece[..length].ToArray();
    }

    private static int[] Ids(LLamaToken[] tokens) => [.. tokens.Select(t => (int)t)];
}
