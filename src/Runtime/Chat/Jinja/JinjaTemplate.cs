namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// A parsed Jinja2 template, as chat templates use them. Parse once, then render many times,
/// concurrently if needed: rendering never mutates the template.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly Stmt[] body;
    private readonly JinjaOptions options;
    private readonly Scope globals;

    private JinjaTemplate(Stmt[] body, JinjaOptions options)
    {
        this.body = body;
        this.options = options;
        globals = new Scope(null, Globals.Create(options));
    }

    /// <summary>Parses <paramref name="source"/>.</summary>
    /// <exception cref="JinjaSyntaxException">The source is not a valid template; the exception gives line and column.</exception>
    /// <exception cref="JinjaLimitException">The source nests deeper than <see cref="JinjaOptions.MaxNesting"/>.</exception>
    public static JinjaTemplate Parse(string source, JinjaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new JinjaOptions();
        var tokens = Lexer.Tokenize(source, options);
        try
        {
            return new JinjaTemplate(Parser.Parse(tokens, options.MaxNesting), options);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new JinjaLimitException(JinjaLimit.Nesting, "chat template nests too deeply for the thread's stack");
        }
    }

    /// <summary>
    /// Renders with the given variables: strings, booleans, numbers, null, lists, dictionaries,
    /// and System.Text.Json nodes or elements. Dictionary order is kept, as Python keeps it.
    /// </summary>
    /// <param name="variables">The template's variables.</param>
    /// <param name="budget">The steps and output the render may use; <see cref="JinjaBudget.Default"/> when null.</param>
    /// <param name="cancellationToken">Stops the render (checked every 1,024 steps).</param>
    /// <exception cref="JinjaRaiseException">The template called raise_exception; Message is the template's text.</exception>
    /// <exception cref="JinjaRuntimeException">Rendering failed where Jinja2 would raise an error.</exception>
    /// <exception cref="JinjaLimitException">The render crossed its budget or nested too deeply (<see cref="JinjaLimitException.Limit"/> says which).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables, JinjaBudget? budget = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(variables);
        cancellationToken.ThrowIfCancellationRequested();
        var converted = new Dictionary<string, object?>(variables.Count, StringComparer.Ordinal);
        var context = new RenderContext(new Scope(globals, converted), options, budget, cancellationToken);
        using var active = context.Activate();
        try
        {
            foreach (var pair in variables)
            {
                converted[pair.Key] = ValueConverter.FromClr(pair.Value);
            }
            Stmt.RenderAll(body, context);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new JinjaLimitException(JinjaLimit.Nesting, "chat template evaluation nests too deeply for the thread's stack");
        }
        catch (Exception ex) when (ex is not JinjaException and not OperationCanceledException)
        {
            // Callers handle one family of exceptions; anything else escaping here is an engine gap, named as Python would.
            throw new JinjaRuntimeException(ex switch
            {
                OverflowException => "OverflowError: integer result does not fit in 64 bits",
                ArgumentOutOfRangeException or IndexOutOfRangeException => "ValueError: argument out of range",
                ArgumentException or FormatException => $"ValueError: {ex.Message}",
                _ => $"RuntimeError: {ex.Message}",
            });
        }
        return context.Output.ToString();
    }

    /// <summary>Gets the steps the last render on this thread took; for tests that check a render stopped.</summary>
    internal static long LastSteps => RenderContext.LastSteps;
}
