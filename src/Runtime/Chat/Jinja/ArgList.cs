namespace Llm.Runtime.Chat.Jinja;

/// <summary>Unevaluated call arguments: positional expressions and <c>name=value</c> pairs.</summary>
internal sealed class ArgList
{
    public static readonly ArgList Empty = new([], []);

    public ArgList(Expr[] positional, KeyValuePair<string, Expr>[] named)
    {
        Positional = positional;
        Named = named;
    }

    public Expr[] Positional { get; }

    public KeyValuePair<string, Expr>[] Named { get; }

    public CallArgs Eval(RenderContext context)
    {
        if (Positional.Length == 0 && Named.Length == 0)
        {
            return CallArgs.None;
        }
        var positional = Positional.Length == 0 ? Array.Empty<object?>() : new object?[Positional.Length];
        for (var i = 0; i < Positional.Length; i++)
        {
            positional[i] = Positional[i].Eval(context);
        }
        KeyValuePair<string, object?>[]? named = null;
        if (Named.Length > 0)
        {
            named = new KeyValuePair<string, object?>[Named.Length];
            for (var i = 0; i < Named.Length; i++)
            {
                named[i] = new(Named[i].Key, Named[i].Value.Eval(context));
            }
        }
        return new CallArgs(positional, named);
    }
}
