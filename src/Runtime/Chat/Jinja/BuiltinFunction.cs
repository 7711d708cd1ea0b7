namespace Llm.Runtime.Chat.Jinja;

/// <summary>A global function implemented in C# (range, namespace, raise_exception ...).</summary>
internal sealed class BuiltinFunction : JinjaCallable
{
    private readonly Func<RenderContext, CallArgs, object?> body;

    public BuiltinFunction(string name, Func<RenderContext, CallArgs, object?> body)
    {
        Name = name;
        this.body = body;
    }

    public override string Name { get; }

    public override object? Invoke(RenderContext context, CallArgs args) => body(context, args);
}
