using LLama.Native;

namespace Llm.Runtime.Inference;

/// <summary>Builds one llama.cpp sampler chain per sequence, so no two requests share sampler state.</summary>
internal static class SamplerChain
{
    // llama.cpp's LLAMA_DEFAULT_SEED asks for a random seed.
    private const uint RandomSeed = 0xFFFFFFFF;

    /// <exception cref="Errors.GrammarRejectedException">llama.cpp refused the grammar; nothing is left allocated.</exception>
    public static SafeLLamaSamplerChainHandle Create(SamplingParams p, SafeLlamaModelHandle model)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        try
        {
            Fill(chain, p, model);
            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    private static void Fill(SafeLLamaSamplerChainHandle chain, SamplingParams p, SafeLlamaModelHandle model)
    {
        var vocabularySize = model.Vocab.Count;
        // The grammar goes first: later stages must choose among the tokens it allows, or they could remove them all.
        if (p.Grammar is { } grammar) NativeGrammar.AddTo(chain, model, grammar);
        if (p.LogitBias.Count > 0)
        {
            var biases = new LLamaLogitBias[p.LogitBias.Count];
            var i = 0;
            foreach (var (token, bias) in p.LogitBias) biases[i++] = new LLamaLogitBias { Token = token, Bias = Finite(bias) };
            chain.AddLogitBias(vocabularySize, biases);
        }
        if (p.HasPenalties) chain.AddPenalties(p.PenaltyLastN, p.RepeatPenalty, p.FrequencyPenalty, p.PresencePenalty);

        if (p.IsGreedy)
        {
            chain.AddGreedySampler();
            return;
        }
        if (p.TopK > 0) chain.AddTopK(p.TopK);
        if (p.TopP < 1f) chain.AddTopP(p.TopP, 1);
        if (p.MinP > 0f) chain.AddMinP(p.MinP, 1);
        chain.AddTemperature(p.Temperature);
        chain.AddDistributionSampler(SeedOf(p.Seed));
    }

    // Never an infinity (see SamplingParams.BannedBias): +inf on a token the grammar forbids (-inf) would be NaN.
    private static float Finite(float bias) => float.IsNaN(bias) ? 0f : Math.Clamp(bias, SamplingParams.BannedBias, -SamplingParams.BannedBias);

    // OpenAI seeds are 64-bit; llama.cpp takes 32 bits and reserves all-ones for "random".
    private static uint SeedOf(ulong? seed)
    {
        if (seed is null) return RandomSeed;
        var folded = (uint)(seed.Value ^ (seed.Value >> 32));
        return folded == RandomSeed ? 0u : folded;
    }
}
