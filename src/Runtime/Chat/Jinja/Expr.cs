namespace Llm.Runtime.Chat.Jinja;

/// <summary>An expression node; evaluation walks the tree directly, parsed once per template.</summary>
internal abstract class Expr
{
    protected Expr(int line) => Line = line;

    public int Line { get; }

    public abstract object? Eval(RenderContext context);
}
