using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Llm.Tests.Families;

namespace Llm.Runtime.Tests.Families;

/// <summary>What <see cref="FamilyModels"/> says of each model is what llama.cpp sees in its file.</summary>
public sealed class FamilyModelVocabularyTests
{
    public static TheoryData<string> Models => [.. FamilyModels.Names];

    [Theory]
    [MemberData(nameof(Models))]
    public void End_of_generation_and_tool_call_texts_are_single_special_tokens(string name)
    {
        var model = FamilyModels.Get(name);
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(model.Path) { VocabOnly = true });
        Assert.Equal(model.VocabularySize, weights.Vocab.Count);
        Assert.NotEmpty(model.EndOfGeneration);
        foreach (var text in model.EndOfGeneration)
            Assert.True(SingleToken(weights, text).IsEndOfGeneration(weights.Vocab), $"{name}: {text} is not end-of-generation");
        foreach (var text in model.ToolCallMarkers)
            Assert.False(SingleToken(weights, text).IsEndOfGeneration(weights.Vocab), $"{name}: {text} ends generation");
    }

    [Fact]
    public void Llama_3_1_carries_meta_s_token_names_and_template()
    {
        var model = FamilyModels.Llama31;
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(model.Path) { VocabOnly = true });
        Assert.Equal(128008, (int)SingleToken(weights, "<|eom_id|>"));
        Assert.Equal(128010, (int)SingleToken(weights, "<|python_tag|>"));
        Assert.Equal(128004, (int)SingleToken(weights, "<|finetune_right_pad_id|>"));
        Assert.Equal("128008", weights.Metadata["tokenizer.ggml.eom_token_id"]);
        var template = File.ReadAllText(Path.Combine(FamilyModels.SharedFolder, "templates", "meta-llama-Llama-3.1-8B-Instruct.jinja"));
        Assert.Equal(template, weights.Metadata["tokenizer.chat_template"]);
    }

    private static LLamaToken SingleToken(LLamaWeights weights, string text)
    {
        var tokens = weights.Tokenize(text, false, true, Encoding.UTF8);
        Assert.True(tokens.Length == 1, $"'{text}' is {tokens.Length} tokens");
        return tokens[0];
    }
}
