namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// A method looked up on a str, dict or list but not yet called (<c>x.items</c> without parentheses).
/// Direct calls skip this allocation: see <see cref="CallExpr"/>.
/// </summary>
internal sealed class BoundMethod : JinjaCallable
{
    private readonly object target;

    public BoundMethod(object target, string name)
    {
        this.target = target;
        Name = name;
    }

    public override string Name { get; }

    public override object? Invoke(RenderContext context, CallArgs args) =>
        Methods.Call(target, Name, args);
}
