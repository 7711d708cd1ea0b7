namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// One level of variable bindings. For-loop iterations and macro calls get their own level,
/// which is why a plain <c>set</c> inside a loop does not survive the iteration (Jinja2 behaviour).
/// </summary>
internal sealed class Scope
{
    private Dictionary<string, object?>? variables;

    public Scope(Scope? parent, Dictionary<string, object?>? variables = null)
    {
        Parent = parent;
        this.variables = variables;
    }

    public Scope? Parent { get; }

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope.variables is not null && scope.variables.TryGetValue(name, out value))
            {
                return true;
            }
        }
        value = null;
        return false;
    }

    public object? Lookup(string name) => TryGet(name, out var value) ? value : new Undefined(name);

    public void Set(string name, object? value)
    {
        // Created on first write: most loop iterations never assign anything.
        variables ??= new Dictionary<string, object?>(StringComparer.Ordinal);
        variables[name] = value;
    }

    public void Clear() => variables?.Clear();
}
