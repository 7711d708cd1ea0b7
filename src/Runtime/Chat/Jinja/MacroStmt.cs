namespace Llm.Runtime.Chat.Jinja;

/// <summary><c>{% macro name(a, b=default) %}...{% endmacro %}</c>: binds a callable in the current scope.</summary>
internal sealed class MacroStmt(int line, string name, string[] parameters, Expr?[] defaults, Stmt[] body) : Stmt(line)
{
    public string Name { get; } = name;

    public string[] Parameters { get; } = parameters;

    public Expr?[] Defaults { get; } = defaults;

    public Stmt[] Body { get; } = body;

    public override Flow Render(RenderContext context)
    {
        context.Scope.Set(Name, new Macro(this, context.Scope));
        return Flow.Normal;
    }
}

/// <summary>A macro bound to the scope it was defined in, which it reads like a closure.</summary>
internal sealed class Macro(MacroStmt definition, Scope closure) : JinjaCallable
{
    public override string Name => definition.Name;

    public override object? Invoke(RenderContext context, CallArgs args)
    {
        var parameters = definition.Parameters;
        if (args.Count > parameters.Length)
        {
            throw new JinjaRuntimeException($"macro '{Name}' takes not more than {parameters.Length} argument(s)");
        }
        var scope = new Scope(closure);
        var savedScope = context.Scope;
        var savedDepth = context.LoopDepth;
        context.Scope = scope;
        context.LoopDepth = 0;
        context.EnterCall();
        try
        {
            BindNamedCheck(args);
            for (var i = 0; i < parameters.Length; i++)
            {
                object? value;
                if (i < args.Count)
                {
                    value = args.Positional[i];
                }
                else if (!args.TryGetNamed(parameters[i], out value))
                {
                    // Defaults are evaluated per call in the macro's scope, so they may use earlier parameters.
                    value = definition.Defaults[i] is { } fallback
                        ? fallback.Eval(context)
                        : new Undefined(parameters[i]);
                }
                scope.Set(parameters[i], value);
            }
            return Stmt.Capture(definition.Body, context);
        }
        finally
        {
            context.LeaveCall();
            context.Scope = savedScope;
            context.LoopDepth = savedDepth;
        }
    }

    private void BindNamedCheck(CallArgs args)
    {
        if (args.Named is null)
        {
            return;
        }
        foreach (var pair in args.Named)
        {
            if (Array.IndexOf(definition.Parameters, pair.Key) < 0)
            {
                throw new JinjaRuntimeException($"macro '{Name}' takes no keyword argument '{pair.Key}'");
            }
        }
    }
}
