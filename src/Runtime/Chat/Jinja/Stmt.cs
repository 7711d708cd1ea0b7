namespace Llm.Runtime.Chat.Jinja;

internal abstract class Stmt
{
    protected Stmt(int line) => Line = line;

    public int Line { get; }

    public abstract Flow Render(RenderContext context);

    public static Flow RenderAll(Stmt[] body, RenderContext context)
    {
        foreach (var stmt in body)
        {
            Flow flow;
            context.Enter();
            try
            {
                flow = stmt.Render(context);
                context.CheckOutput();
            }
            catch (JinjaRuntimeException ex) when (ex.Line == 0)
            {
                // Errors are raised deep in value code that knows no positions; the innermost statement adds its line.
                throw new JinjaRuntimeException(ex.Reason, stmt.Line);
            }
            finally
            {
                context.Leave();
            }
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }
        return Flow.Normal;
    }

    /// <summary>Renders a body into a string of its own (macros, block set, filter blocks).</summary>
    public static string Capture(Stmt[] body, RenderContext context)
    {
        var saved = context.Output;
        context.Output = new System.Text.StringBuilder();
        try
        {
            RenderAll(body, context);
            return context.Output.ToString();
        }
        finally
        {
            context.Output = saved;
        }
    }
}
