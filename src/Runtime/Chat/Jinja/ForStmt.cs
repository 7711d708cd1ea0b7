namespace Llm.Runtime.Chat.Jinja;

/// <summary><c>{% for target in iterable if condition %}...{% else %}...{% endfor %}</c>.</summary>
internal sealed class ForStmt(int line, AssignTarget target, Expr iterable, Expr? condition, Stmt[] body, Stmt[]? otherwise)
    : Stmt(line)
{
    public override Flow Render(RenderContext context)
    {
        var items = PyAccess.Iterate(iterable.Eval(context));
        var outer = context.Scope;
        // One scope per loop, cleared per iteration: assignments never outlive their iteration.
        var scope = new Scope(outer);
        context.Scope = scope;
        try
        {
            if (condition is not null)
            {
                items = Filter(items, scope, context);
            }
            if (items.Count == 0)
            {
                context.Scope = outer;
                return otherwise is null ? Flow.Normal : RenderAll(otherwise, context);
            }
            var loop = new LoopContext(items, context.LoopDepth++);
            try
            {
                for (var i = 0; i < items.Count; i++)
                {
                    context.Step();
                    scope.Clear();
                    loop.Index0 = i;
                    scope.Set("loop", loop);
                    target.Assign(context, items[i]);
                    if (RenderAll(body, context) == Flow.Break)
                    {
                        break;
                    }
                }
            }
            finally
            {
                context.LoopDepth--;
            }
            return Flow.Normal;
        }
        finally
        {
            context.Scope = outer;
        }
    }

    /// <summary>The inline <c>if</c> filters before the loop runs, so loop.length and loop.last count kept items only.</summary>
    private List<object?> Filter(IList<object?> items, Scope scope, RenderContext context)
    {
        var kept = new List<object?>(items.Count);
        foreach (var item in items)
        {
            context.Step();
            scope.Clear();
            target.Assign(context, item);
            if (PyOps.IsTruthy(condition!.Eval(context)))
            {
                kept.Add(item);
            }
        }
        return kept;
    }
}
