using System.Runtime.CompilerServices;
using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>State of one Render call; templates are immutable so many renders can run at once.</summary>
/// <remarks>
/// Also the render's meter: every expression and statement passes through <see cref="Enter"/>, which counts
/// a step, bounds the evaluation depth and notices cancellation, so no template can outrun its budget, its
/// stack or its caller.
/// </remarks>
internal sealed class RenderContext
{
    // Cancellation is read every this many steps: often enough to stop within microseconds, rarely enough to cost nothing.
    private const long CancellationStride = 1024;

    [ThreadStatic]
    private static RenderContext? current;

    [ThreadStatic]
    private static long lastSteps;

    private readonly JinjaBudget budget;
    private readonly CancellationToken cancellationToken;
    private readonly int maxEvaluationDepth;
    private int depth;
    private int callDepth;

    public RenderContext(Scope scope, JinjaOptions options, JinjaBudget? budget = null, CancellationToken cancellationToken = default)
    {
        Scope = scope;
        Options = options;
        this.budget = budget ?? JinjaBudget.Default;
        this.cancellationToken = cancellationToken;
        maxEvaluationDepth = options.MaxEvaluationDepth;
    }

    public StringBuilder Output { get; set; } = new();

    public Scope Scope { get; set; }

    public JinjaOptions Options { get; }

    public int LoopDepth { get; set; }

    /// <summary>Text a filtered block captured, read by <see cref="CapturedExpr"/>.</summary>
    public object? Captured { get; set; }

    /// <summary>Gets the steps the last render that ended on this thread took.</summary>
    public static long LastSteps => lastSteps;

    /// <summary>Gets the steps taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>Enters one evaluation frame (an expression or a statement): one step, one level deeper.</summary>
    public void Enter()
    {
        Step();
        if (++depth > maxEvaluationDepth)
        {
            throw new JinjaLimitException(JinjaLimit.Nesting, $"chat template evaluation nesting exceeds {maxEvaluationDepth} levels");
        }
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            // Backstop for threads with small stacks: the depth limit is sized for 1 MiB, this holds on any.
            throw new JinjaLimitException(JinjaLimit.Nesting, "chat template evaluation nests too deeply for the thread's stack");
        }
    }

    public void Leave() => depth--;

    /// <summary>Enters a macro call; recursion without end stops here with Jinja2's message.</summary>
    public void EnterCall()
    {
        if (++callDepth > Options.MaxNesting)
        {
            throw new JinjaLimitException(JinjaLimit.Nesting, $"maximum recursion depth exceeded: chat template macro calls nest more than {Options.MaxNesting} levels");
        }
    }

    public void LeaveCall() => callDepth--;

    /// <summary>Counts one step of work (a loop iteration, an item a filter visits).</summary>
    public void Step()
    {
        if (++Steps > budget.MaxSteps)
        {
            throw new JinjaLimitException(JinjaLimit.Steps, $"chat template exceeds its budget of {budget.MaxSteps} steps");
        }
        if (Steps % CancellationStride == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Charges for a value the template built or a builtin walks (a filter's input, a list searched by <c>in</c>):
    /// one step per item of a collection, one per 16 characters of a string, so work on big values counts as
    /// what it costs. Holds the value to the output budget; returns it.
    /// </summary>
    public object? Charge(object? value)
    {
        switch (value)
        {
            case string s:
                Charge(s.Length, s.Length / 16);
                break;
            case System.Collections.ICollection c:
                Charge(c.Count, c.Count);
                break;
        }
        return value;
    }

    /// <summary>Charges for <paramref name="size"/> characters or items about to be built; throws before they are when over budget.</summary>
    public void Charge(long size) => Charge(size, size / 16);

    private void Charge(long size, long steps)
    {
        if (size > budget.MaxOutputChars)
        {
            throw OutputExceeded();
        }
        if (steps > 0)
        {
            Steps += steps - 1;
            Step();
        }
    }

    /// <summary>Holds the output being written to the output budget.</summary>
    public void CheckOutput()
    {
        if (Output.Length > budget.MaxOutputChars)
        {
            throw OutputExceeded();
        }
    }

    /// <summary>
    /// Holds a string or list being built by value code (which has no context at hand) to the output budget of
    /// the render running on this thread, or to the default budget outside one.
    /// </summary>
    public static void EnsureSize(long size)
    {
        var context = current;
        var limit = context?.budget.MaxOutputChars ?? JinjaBudget.DefaultMaxOutputChars;
        if (size > limit)
        {
            throw context?.OutputExceeded() ?? new JinjaLimitException(JinjaLimit.Output, $"chat template output exceeds {limit} characters");
        }
    }

    /// <summary>
    /// Enters one level of a value being walked (printed, serialised, compared); values can nest without end
    /// (a list that contains itself), the walkers' stack cannot.
    /// </summary>
    public static void EnterValue(int level)
    {
        var limit = current?.Options.MaxNesting ?? JinjaOptions.DefaultMaxNesting;
        if (level > limit)
        {
            throw new JinjaLimitException(JinjaLimit.Nesting, $"a value in the chat template nests more than {limit} levels (or contains itself)");
        }
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new JinjaLimitException(JinjaLimit.Nesting, "a value in the chat template nests too deeply for the thread's stack");
        }
    }

    /// <summary>Makes this the render running on this thread until the returned scope is disposed; renders are synchronous.</summary>
    public Activation Activate() => new(this);

    private JinjaLimitException OutputExceeded() =>
        new(JinjaLimit.Output, $"chat template output exceeds {budget.MaxOutputChars} characters");

    /// <summary>Restores the previously running render on dispose.</summary>
    public readonly struct Activation : IDisposable
    {
        private readonly RenderContext? previous;

        public Activation(RenderContext context)
        {
            previous = current;
            current = context;
        }

        public void Dispose()
        {
            lastSteps = current?.Steps ?? 0;
            current = previous;
        }
    }
}
