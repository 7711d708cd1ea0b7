using Llm.Runtime.Gguf;
using Llm.Runtime.Gguf.RandomWeights;
using Llm.Tests.Families;

namespace Llm.Runtime.Tests.Families;

/// <summary>The builder's files: each family's own tensors, deterministic bytes, and a faithful copy of a vocabulary.</summary>
public sealed class RandomModelBuilderTests
{
    private static readonly RandomModelShape s_shape = new() { EmbeddingLength = 32, HeadCount = 4, KvHeadCount = 2, FeedForwardLength = 48, BlockCount = 2 };

    private static GgufTokenizerKeys Vocabulary => GgufTokenizerKeys.FromFile(Path.Combine(FamilyModels.SharedFolder, "models", "ggml-vocab-llama-spm.gguf"));

    private static byte[] Bytes(RandomModelBuilder builder)
    {
        using var stream = new MemoryStream();
        builder.Create().WriteTo(stream);
        return stream.ToArray();
    }

    private static GgufFile Read(RandomModelArchitecture architecture)
    {
        var keys = Vocabulary;
        return GgufReader.Read(new MemoryStream(Bytes(new RandomModelBuilder(architecture, keys.VocabularySize, keys.WriteTo) { Shape = s_shape })));
    }

    private static long[] Shape(GgufFile file, string tensor) => [.. file.Tensors.Single(t => t.Name == tensor).Shape];

    [Fact]
    public void Llama_has_separate_projections_and_a_tied_output()
    {
        var file = Read(RandomModelArchitecture.Llama);
        Assert.Equal("llama", file.Architecture);
        Assert.Equal([32L, 16L], Shape(file, "blk.1.attn_k.weight")); // 2 kv heads of 8
        Assert.Equal([32L, 48L], Shape(file, "blk.1.ffn_gate.weight"));
        Assert.DoesNotContain(file.Tensors, t => t.Name is "output.weight" or "blk.0.attn_q_norm.weight");
        Assert.Equal(2 + 9 * 2, file.Tensors.Count);
    }

    [Fact]
    public void Qwen3_has_per_head_query_and_key_norms()
    {
        var file = Read(RandomModelArchitecture.Qwen3);
        Assert.Equal("qwen3", file.Architecture);
        for (var b = 0; b < 2; b++)
        {
            Assert.Equal([8L], Shape(file, $"blk.{b}.attn_q_norm.weight"));
            Assert.Equal([8L], Shape(file, $"blk.{b}.attn_k_norm.weight"));
        }
        Assert.Equal(2 + 11 * 2, file.Tensors.Count);
    }

    [Fact]
    public void Gemma3_has_query_key_and_post_norms_and_a_sliding_window()
    {
        var file = Read(RandomModelArchitecture.Gemma3);
        Assert.Equal("gemma3", file.Architecture);
        foreach (var norm in new[] { "attn_q_norm", "attn_k_norm" })
            Assert.Equal([8L], Shape(file, $"blk.0.{norm}.weight"));
        foreach (var norm in new[] { "post_attention_norm", "post_ffw_norm" })
            Assert.Equal([32L], Shape(file, $"blk.1.{norm}.weight"));
        Assert.NotNull(file.GetInteger("gemma3.attention.sliding_window"));
        Assert.DoesNotContain(file.Tensors, t => t.Name == "output.weight");
    }

    [Fact]
    public void Phi3_fuses_qkv_and_gate_up_and_has_its_own_output()
    {
        var file = Read(RandomModelArchitecture.Phi3);
        Assert.Equal("phi3", file.Architecture);
        Assert.Equal([32L, 32L + 2 * 16], Shape(file, "blk.0.attn_qkv.weight"));
        Assert.Equal([32L, 2 * 48L], Shape(file, "blk.0.ffn_up.weight"));
        Assert.Equal([32L, 32000L], Shape(file, "output.weight"));
        Assert.DoesNotContain(file.Tensors, t => t.Name.EndsWith("attn_q.weight", StringComparison.Ordinal) || t.Name.EndsWith("ffn_gate.weight", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RandomModelArchitecture.Llama)]
    [InlineData(RandomModelArchitecture.Phi3)]
    public void File_bytes_are_a_function_of_the_seed(RandomModelArchitecture architecture)
    {
        var keys = Vocabulary;
        RandomModelBuilder Builder(int seed) => new(architecture, keys.VocabularySize, keys.WriteTo) { Shape = s_shape, Seed = seed };
        var first = Bytes(Builder(5));
        Assert.Equal(first, Bytes(Builder(5)));
        var other = Bytes(Builder(6));
        Assert.Equal(first.Length, other.Length);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Tokenizer_keys_are_copied_with_their_values_and_order()
    {
        var source = GgufReader.ReadFile(Path.Combine(FamilyModels.SharedFolder, "models", "ggml-vocab-deepseek-coder.gguf"));
        var keys = GgufTokenizerKeys.From(source);
        var copy = GgufReader.Read(new MemoryStream(Bytes(new RandomModelBuilder(RandomModelArchitecture.Llama, keys.VocabularySize, keys.WriteTo) { Shape = s_shape })));
        var expected = source.MetadataKeys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)).ToList();
        Assert.Contains("tokenizer.ggml.merges", expected);
        Assert.Equal(expected, copy.MetadataKeys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)));
        foreach (var key in expected)
        {
            Assert.Equal(source.Metadata[key].Type, copy.Metadata[key].Type);
            Assert.Equal(source.Metadata[key].Value, copy.Metadata[key].Value);
        }
        Assert.Equal(32256, keys.VocabularySize);
        Assert.Equal(32256L, copy.GetInteger("llama.vocab_size"));
    }

    [Fact]
    public void A_chat_template_given_to_the_builder_replaces_the_vocabulary_s()
    {
        var keys = Vocabulary;
        var file = GgufReader.Read(new MemoryStream(Bytes(new RandomModelBuilder(RandomModelArchitecture.Llama, keys.VocabularySize, keys.WriteTo) { Shape = s_shape, ChatTemplate = "{{ messages }}" })));
        Assert.Equal("{{ messages }}", file.GetString("tokenizer.chat_template"));
    }

    [Fact]
    public void An_inconsistent_shape_is_refused()
    {
        var keys = Vocabulary;
        var builder = new RandomModelBuilder(RandomModelArchitecture.Llama, keys.VocabularySize, keys.WriteTo) { Shape = s_shape with { HeadCount = 3 } };
        Assert.Throws<ArgumentException>(() => builder.Create());
    }
}
