using LLama.Native;

namespace Llm.Runtime.Inference;

/// <summary>Builds one llama.cpp sampler chain per sequence, so no two requests share sampler state.</summary>
internal static class SamplerChain
{
    // llama.cpp's LLAMA_DEFAULT_SEED asks for a random seed.
    private const uint RandomSeed = 0xFFFFFFFF;

    public static SafeLLamaSamplerChainHandle Create(SamplingParams p, SafeLlamaModelHandle model)
    {
        var vocabularySize = model.Vocab.Count;
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        // The grammar goes first: later stages must choose among the tokens it allows, or they could remove them all.
        if (p.Grammar is { } grammar) chain.AddGrammar(model, grammar.Gbnf, grammar.Root);
        if (p.LogitBias.Count > 0)
        {
            var biases = new LLamaLogitBias[p.LogitBias.Count];
            var i = 0;
            foreach (var (token, bias) in p.LogitBias) biases[i++] = new LLamaLogitBias { Token = token, Bias = bias };
            chain.AddLogitBias(vocabularySize, biases);
        }
        if (p.HasPenalties) chain.AddPenalties(p.PenaltyLastN, p.RepeatPenalty, p.FrequencyPenalty, p.PresencePenalty);

        if (p.IsGreedy)
        {
            chain.AddGreedySampler();
            return chain;
        }
        if (p.TopK > 0) chain.AddTopK(p.TopK);
        if (p.TopP < 1f) chain.AddTopP(p.TopP, 1);
        if (p.MinP > 0f) chain.AddMinP(p.MinP, 1);
        chain.AddTemperature(p.Temperature);
        chain.AddDistributionSampler(SeedOf(p.Seed));
        return chain;
    }

    // OpenAI seeds are 64-bit; llama.cpp takes 32 bits and reserves all-ones for "random".
    private static uint SeedOf(ulong? seed)
    {
        if (seed is null) return RandomSeed;
        var folded = (uint)(seed.Value ^ (seed.Value >> 32));
        return folded == RandomSeed ? 0u : folded;
    }
}
