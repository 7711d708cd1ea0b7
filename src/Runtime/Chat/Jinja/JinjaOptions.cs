namespace Llm.Runtime.Chat.Jinja;

/// <summary>Environment settings for <see cref="JinjaTemplate"/>.</summary>
/// <remarks>
/// Defaults mirror how Hugging Face transformers configures Jinja2 for chat templates,
/// because the templates' authors checked their output under that configuration.
/// </remarks>
public sealed record JinjaOptions
{
    /// <summary>The default <see cref="MaxNesting"/>: 128. Measured on a 1 MiB stack: parentheses cost ~2.7 KiB a level and overflow near 370, nested blocks near 900, evaluation frames near 4,500; 128 (1,024 evaluation frames) keeps each path under a third of the stack.</summary>
    public const int DefaultMaxNesting = 128;

    /// <summary>Drop the first newline after a block or comment tag.</summary>
    public bool TrimBlocks { get; init; } = true;

    /// <summary>Strip spaces and tabs from the start of a line up to a block or comment tag.</summary>
    public bool LstripBlocks { get; init; } = true;

    /// <summary>Clock behind the <c>strftime_now</c> global; injectable so tests can pin the date.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Gets the deepest nesting allowed: of blocks and of expressions in the source (parentheses, brackets,
    /// operators, filter and attribute chains), of macro calls, and of values printed, serialised or compared.
    /// Evaluation as a whole may nest <see cref="MaxEvaluationDepth"/> frames. Recursive code has to stop
    /// somewhere, and a stack overflow cannot be caught in .NET: it ends the process.
    /// </summary>
    public int MaxNesting { get; init; } = DefaultMaxNesting;

    /// <summary>Gets the deepest evaluation allowed, counting every expression and statement frame (macro bodies included): 8 × <see cref="MaxNesting"/>.</summary>
    public int MaxEvaluationDepth => MaxNesting * 8;
}
