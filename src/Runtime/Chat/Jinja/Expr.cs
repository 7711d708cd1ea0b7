namespace Llm.Runtime.Chat.Jinja;

/// <summary>An expression node; evaluation walks the tree directly, parsed once per template.</summary>
internal abstract class Expr
{
    protected Expr(int line) => Line = line;

    public int Line { get; }

    /// <summary>Evaluates the node as one metered step (see <see cref="RenderContext.Enter"/>).</summary>
    public object? Eval(RenderContext context)
    {
        context.Enter();
        try
        {
            return EvalCore(context);
        }
        finally
        {
            context.Leave();
        }
    }

    protected abstract object? EvalCore(RenderContext context);
}
