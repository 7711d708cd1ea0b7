namespace Llm.Runtime.Chat.Jinja;

/// <summary>Anything a template can call: macros, globals such as range(), and bound methods.</summary>
internal abstract class JinjaCallable
{
    public abstract string Name { get; }

    public abstract object? Invoke(RenderContext context, CallArgs args);
}
