namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// How much work one render may do. The defaults are far above what any real chat template needs for a
/// large conversation (the golden templates render a long conversation in a few thousand steps) and far
/// below what would hold a server thread for long.
/// </summary>
public sealed record JinjaBudget
{
    /// <summary>The default step budget: 10,000,000 (about a second or two of CPU).</summary>
    public const long DefaultMaxSteps = 10_000_000;

    /// <summary>The default output budget: 16 Mi characters.</summary>
    public const int DefaultMaxOutputChars = 16 * 1024 * 1024;

    /// <summary>Gets the default budget.</summary>
    public static JinjaBudget Default { get; } = new();

    /// <summary>
    /// Gets the most steps a render may take. A step is one expression evaluated, one statement rendered or
    /// one loop iteration; building a string or list also costs one step per 16 characters or items.
    /// </summary>
    public long MaxSteps { get; init; } = DefaultMaxSteps;

    /// <summary>Gets the most characters the render may produce; every string and list the template builds is held to it too.</summary>
    public int MaxOutputChars { get; init; } = DefaultMaxOutputChars;
}
