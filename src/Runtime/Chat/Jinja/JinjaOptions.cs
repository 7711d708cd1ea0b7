namespace Llm.Runtime.Chat.Jinja;

/// <summary>Environment settings for <see cref="JinjaTemplate"/>.</summary>
/// <remarks>
/// Defaults mirror how Hugging Face transformers configures Jinja2 for chat templates,
/// because the templates' authors checked their output under that configuration.
/// </remarks>
public sealed record JinjaOptions
{
    /// <summary>Drop the first newline after a block or comment tag.</summary>
    public bool TrimBlocks { get; init; } = true;

    /// <summary>Strip spaces and tabs from the start of a line up to a block or comment tag.</summary>
    public bool LstripBlocks { get; init; } = true;

    /// <summary>Clock behind the <c>strftime_now</c> global; injectable so tests can pin the date.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
