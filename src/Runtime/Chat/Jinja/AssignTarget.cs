namespace Llm.Runtime.Chat.Jinja;

/// <summary>Left side of <c>set</c> and of a for loop: a name, names to unpack, or <c>ns.attr</c>.</summary>
internal sealed class AssignTarget
{
    private readonly string[] names;
    private readonly bool unpack;
    private readonly string? attribute;

    private AssignTarget(string[] names, bool unpack, string? attribute)
    {
        this.names = names;
        this.unpack = unpack;
        this.attribute = attribute;
    }

    public static AssignTarget Name(string name) => new([name], false, null);

    public static AssignTarget Tuple(string[] names) => new(names, true, null);

    public static AssignTarget NamespaceAttribute(string name, string attribute) => new([name], false, attribute);

    public void Assign(RenderContext context, object? value)
    {
        if (attribute is not null)
        {
            if (context.Scope.Lookup(names[0]) is not JinjaNamespace ns)
            {
                throw new JinjaRuntimeException("cannot assign attribute on non-namespace object");
            }
            ns.Attributes[attribute] = value;
            return;
        }
        if (!unpack)
        {
            context.Scope.Set(names[0], value);
            return;
        }
        var items = value is string or JinjaDict or IList<object?> ? PyAccess.Iterate(value) : throw new JinjaRuntimeException(
            $"cannot unpack non-iterable {PyOps.TypeName(value)} object");
        if (items.Count != names.Length)
        {
            throw new JinjaRuntimeException(items.Count > names.Length
                ? $"too many values to unpack (expected {names.Length})"
                : $"not enough values to unpack (expected {names.Length}, got {items.Count})");
        }
        for (var i = 0; i < names.Length; i++)
        {
            context.Scope.Set(names[i], items[i]);
        }
    }
}
