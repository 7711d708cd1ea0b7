namespace Llm.Runtime.Chat.Jinja;

/// <summary>Template text outside tags.</summary>
internal sealed class TextStmt(int line, string text) : Stmt(line)
{
    public override Flow Render(RenderContext context)
    {
        context.Output.Append(text);
        return Flow.Normal;
    }
}

/// <summary><c>{{ expression }}</c>.</summary>
internal sealed class PrintStmt(int line, Expr expression) : Stmt(line)
{
    public override Flow Render(RenderContext context)
    {
        var value = expression.Eval(context);
        if (value is string s)
        {
            context.Output.Append(s);
        }
        else
        {
            context.Output.Append(PyFormat.ToStr(value));
        }
        return Flow.Normal;
    }
}

/// <summary><c>if</c> with its <c>elif</c> branches; an if block opens no scope in Jinja2.</summary>
internal sealed class IfStmt(int line, Expr[] conditions, Stmt[][] bodies, Stmt[]? otherwise) : Stmt(line)
{
    public override Flow Render(RenderContext context)
    {
        for (var i = 0; i < conditions.Length; i++)
        {
            if (PyOps.IsTruthy(conditions[i].Eval(context)))
            {
                return RenderAll(bodies[i], context);
            }
        }
        return otherwise is null ? Flow.Normal : RenderAll(otherwise, context);
    }
}

internal sealed class SetStmt(int line, AssignTarget target, Expr value) : Stmt(line)
{
    public override Flow Render(RenderContext context)
    {
        target.Assign(context, value.Eval(context));
        return Flow.Normal;
    }
}

/// <summary><c>{% set x %}...{% endset %}</c>, optionally piped through filters.</summary>
internal sealed class SetBlockStmt(int line, AssignTarget target, Stmt[] body, Expr? filter) : Stmt(line)
{
    public override Flow Render(RenderContext context)
    {
        target.Assign(context, FilterBlockStmt.Apply(filter, Capture(body, context), context));
        return Flow.Normal;
    }
}

/// <summary><c>{% filter upper %}...{% endfilter %}</c>.</summary>
internal sealed class FilterBlockStmt(int line, Stmt[] body, Expr filter) : Stmt(line)
{
    public override Flow Render(RenderContext context)
    {
        context.Output.Append(PyFormat.ToStr(Apply(filter, Capture(body, context), context)));
        return Flow.Normal;
    }

    public static object? Apply(Expr? filter, string captured, RenderContext context)
    {
        if (filter is null)
        {
            return captured;
        }
        var saved = context.Captured;
        context.Captured = captured;
        try
        {
            return filter.Eval(context);
        }
        finally
        {
            context.Captured = saved;
        }
    }
}

internal sealed class LoopControlStmt(int line, Flow flow) : Stmt(line)
{
    public override Flow Render(RenderContext context) => flow;
}

/// <summary><c>{% do expression %}</c>: evaluate for side effects such as <c>list.append</c>.</summary>
internal sealed class DoStmt(int line, Expr expression) : Stmt(line)
{
    public override Flow Render(RenderContext context)
    {
        expression.Eval(context);
        return Flow.Normal;
    }
}
