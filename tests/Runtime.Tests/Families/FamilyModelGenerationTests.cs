using Llm.Runtime.Inference;
using Llm.Runtime.Models;
using Llm.Tests.Families;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Tests.Families;

/// <summary>Every family test model loads in llama.cpp through <see cref="ModelHost"/> and generates varied tokens.</summary>
public sealed class FamilyModelGenerationTests
{
    public static TheoryData<string> Models => [.. FamilyModels.Names];

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Loads_and_generates_context_dependent_greedy_and_seed_dependent_sampled_tokens(string name)
    {
        var model = FamilyModels.Get(name);
        using var host = ModelHost.Load(new ModelSettings { Name = name, Path = model.Path, ContextSize = 256, Parallel = 1, Threads = 2 }, NullLoggerFactory.Instance);
        Assert.Equal(model.VocabularySize, host.VocabularySize);
        Assert.Equal(model.Architecture, host.Info.Architecture);

        var prompt = host.Tokenize("The quick brown fox jumps over the lazy dog.", addSpecial: true, parseSpecial: false);
        var greedy = await TokensAsync(host, prompt, new SamplingParams { Temperature = 0 });
        Assert.Equal(greedy, await TokensAsync(host, prompt, new SamplingParams { Temperature = 0 }));
        Assert.True(greedy.Distinct().Count() > 1, $"greedy output is one constant token: {string.Join(' ', greedy)}");
        var other = await TokensAsync(host, host.Tokenize("Numbers: 1 2 3", addSpecial: true, parseSpecial: false), new SamplingParams { Temperature = 0 });
        Assert.NotEqual(greedy, other);

        var seed1 = await TokensAsync(host, prompt, new SamplingParams { Temperature = 1, Seed = 1 });
        Assert.Equal(seed1, await TokensAsync(host, prompt, new SamplingParams { Temperature = 1, Seed = 1 }));
        Assert.NotEqual(seed1, await TokensAsync(host, prompt, new SamplingParams { Temperature = 1, Seed = 2 }));
    }

    private static async Task<int[]> TokensAsync(ModelHost host, int[] prompt, SamplingParams sampling)
    {
        var stream = host.Submit(new GenerationRequest { PromptTokens = prompt, MaxTokens = 8, Sampling = sampling, Logprobs = 0 });
        var tokens = new List<int>();
        await foreach (var update in stream.ReadAllAsync(CancellationToken.None))
            tokens.AddRange(update.Logprobs?.Select(l => l.Token) ?? []);
        Assert.Equal(8, tokens.Count);
        return [.. tokens];
    }
}
