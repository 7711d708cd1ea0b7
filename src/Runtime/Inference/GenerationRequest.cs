namespace Llm.Runtime.Inference;

/// <summary>One sequence to generate: a tokenized prompt and how to continue it.</summary>
public sealed record GenerationRequest
{
    /// <summary>Gets the prompt tokens (already including BOS where the model wants it).</summary>
    public required IReadOnlyList<int> PromptTokens { get; init; }

    /// <summary>Gets the most tokens to generate; null means up to the end of the context.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Gets the sampling parameters.</summary>
    public SamplingParams Sampling { get; init; } = SamplingParams.Default;

    /// <summary>Gets how many alternatives to report with each token's log-probability; null reports none.</summary>
    public int? Logprobs { get; init; }

    /// <summary>Gets the stop strings; generation ends before the first one and it is not returned.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>
    /// Gets the control tokens whose text is written into the output, as llama-server's preserved tokens are: the
    /// markers a parser must see, such as Llama 3.1's <c>&lt;|python_tag|&gt;</c> that opens a tool call. Every
    /// other control token renders as nothing (end-of-generation tokens end the sequence and are never written).
    /// Empty by default; a few ids at most (it is searched linearly for every generated token).
    /// </summary>
    public IReadOnlyList<int> PreservedTokens { get; init; } = [];

    /// <summary>
    /// Gets the prefix-cache partition of the request: it reuses cached prompt prefixes, waits for a prefix being
    /// decoded, and leaves its own prompt cells for reuse only with requests of the same partition. Requests of
    /// different partitions never share KV cells, so neither the cached-token count nor the time to the first
    /// token tells one partition anything about another's prompts. The default, the empty string, is one partition
    /// shared by every request that does not name one. A server gives each tenant its own partition (see the
    /// README's security model).
    /// </summary>
    /// <remarks>
    /// Only the reuse is partitioned. The KV cells themselves, and the eviction of cached prefixes (least recently
    /// used across all partitions), the batch and the engine's time are shared by every request of the model.
    /// The string is compared ordinally and never logged; any value is allowed, so callers that compose it from
    /// several parts (a tenant and a salt) must do so unambiguously.
    /// </remarks>
    public string CachePartition { get; init; } = string.Empty;

    /// <summary>
    /// Gets a value indicating whether the reader of the updates resumes on the engine thread, inside the step that
    /// produced the token, instead of on the thread pool. Only for readers that do a few microseconds of work per
    /// update and never block (the HTTP server's SSE writer): anything they do delays every sequence of the model.
    /// The last update (finish or error) is always delivered from the thread pool.
    /// </summary>
    /// <remarks>
    /// A thread-pool hop per token is cheap on a big machine, but on one where llama.cpp's threads hold every core,
    /// each woken thread preempts one of them mid-step and its partners wait at the next barrier: measured with the
    /// benchmark's model on 2 cores, inline delivery cut context switches of the server's thread pool from 4.4 to
    /// 0.5 per streamed token and its CPU time per token by about 90%.
    /// </remarks>
    public bool InlineUpdates { get; init; }
}
