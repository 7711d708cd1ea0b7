namespace Llm.Bench;

/// <summary>Everything one run measured; serialised as the JSON report.</summary>
internal sealed record BenchReport
{
    public required string Model { get; init; }
    public required long ModelBytes { get; init; }
    public required int Threads { get; init; }
    public required int TokensPerRequest { get; init; }
    public required string Machine { get; init; }
    public required string LoadAverageBefore { get; init; }
    public string LoadAverageAfter { get; set; } = "";
    public RawFigures Raw { get; set; } = null!;
    public List<HttpFigures> Http { get; } = [];
    /// <summary>Gets or sets the median over 8-client rounds of the round's rate over a 1-client round made right after it; NaN when not measured.</summary>
    public double EightOverOne { get; set; } = double.NaN;
    public PrefixFigures? Prefix { get; set; }
    public SoakFigures? Soak { get; set; }
}

/// <param name="OneSequence">Raw decode-only rate (after the first token), 1 sequence, median of the runs.</param>
/// <param name="OneSequenceEndToEnd">Raw rate including the prompt, 1 sequence, median of the runs next to the 1-client rounds.</param>
/// <param name="GreedyTokensEqualAloneAndBatched">Sequence 0's greedy tokens alone equal those in a batch of 8.</param>
/// <param name="GreedyTokensEqualWithSeparatePrefill">The same when the prompts are decoded one per batch and only generation is batched.</param>
/// <param name="FirstDivergence">The first token index where alone and batched differ; -1 when they do not.</param>
internal sealed record RawFigures(double OneSequence, double EightSequences, double OneSequenceEndToEnd, double EightSequencesEndToEnd,
    bool GreedyTokensEqualAloneAndBatched, bool GreedyTokensEqualWithSeparatePrefill, int FirstDivergence);

/// <param name="TokensPerSecond">The median of the rounds' aggregate rates.</param>
/// <param name="RawTokensPerSecond">The median of the raw runs next to the rounds (1 and 8 clients only), NaN otherwise.</param>
/// <param name="VsRaw">The median over rounds of the round's rate divided by the raw run just before it; NaN without raw runs.</param>
/// <param name="OtherCpuMicrosecondsPerToken">CPU time of every thread but llama.cpp's (server, HTTP clients, runtime) per generated token.</param>
internal sealed record HttpFigures(int Clients, int Requests, int Failed, double TokensPerSecond, double RawTokensPerSecond, double VsRaw,
    double OtherCpuMicrosecondsPerToken, double TtftP50, double TtftP95, double ItlP50, double ItlP95);

internal sealed record PrefixFigures(int PrefixTokens, double ColdTtft, double WarmTtft, int WarmCachedTokens,
    double ColdConcurrentTtftP50, double ColdConcurrentTtftMax, double WarmConcurrentTtftP50, double WarmConcurrentTtftMax, int WarmConcurrentMinCachedTokens, int Failed);

internal sealed record SoakFigures(int Clients, int Requests, int Failed, long RssAfter100, long RssAfterAll, double GrowthPercent);
