namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// The object <c>namespace()</c> returns: the one value a template may assign attributes on,
/// which is how templates carry state out of a for loop's scope.
/// </summary>
internal sealed class JinjaNamespace
{
    public JinjaDict Attributes { get; } = new();
}
