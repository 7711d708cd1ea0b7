using System.Text;

namespace Llm.Runtime.Chat.Jinja;

/// <summary>State of one Render call; templates are immutable so many renders can run at once.</summary>
internal sealed class RenderContext
{
    // Guards against templates that recurse without end (a macro calling itself).
    private const int MaxDepth = 256;
    private int depth;

    public RenderContext(Scope scope, JinjaOptions options)
    {
        Scope = scope;
        Options = options;
    }

    public StringBuilder Output { get; set; } = new();

    public Scope Scope { get; set; }

    public JinjaOptions Options { get; }

    public int LoopDepth { get; set; }

    /// <summary>Text a filtered block captured, read by <see cref="CapturedExpr"/>.</summary>
    public object? Captured { get; set; }

    public void Enter()
    {
        if (++depth > MaxDepth)
        {
            throw new JinjaRuntimeException("maximum recursion depth exceeded");
        }
    }

    public void Leave() => depth--;
}
