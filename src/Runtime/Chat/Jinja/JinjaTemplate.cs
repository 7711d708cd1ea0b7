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
    public static JinjaTemplate Parse(string source, JinjaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new JinjaOptions();
        var tokens = Lexer.Tokenize(source, options);
        return new JinjaTemplate(Parser.Parse(tokens), options);
    }

    /// <summary>
    /// Renders with the given variables: strings, booleans, numbers, null, lists, dictionaries,
    /// and System.Text.Json nodes or elements. Dictionary order is kept, as Python keeps it.
    /// </summary>
    /// <exception cref="JinjaRaiseException">The template called raise_exception; Message is the template's text.</exception>
    /// <exception cref="JinjaRuntimeException">Rendering failed where Jinja2 would raise an error.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var converted = new Dictionary<string, object?>(variables.Count, StringComparer.Ordinal);
        foreach (var pair in variables)
        {
            converted[pair.Key] = ValueConverter.FromClr(pair.Value);
        }
        var context = new RenderContext(new Scope(globals, converted), options);
        try
        {
            Stmt.RenderAll(body, context);
        }
        catch (Exception ex) when (ex is not JinjaException)
        {
            // Callers handle one family of exceptions; anything else escaping here is an engine gap.
            throw new JinjaRuntimeException($"{ex.GetType().Name}: {ex.Message}");
        }
        return context.Output.ToString();
    }
}
