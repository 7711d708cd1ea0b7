namespace Llm.Runtime.Chat.Jinja;

/// <summary>A literal number, string, boolean or none.</summary>
internal sealed class ConstExpr(int line, object? value) : Expr(line)
{
    public object? Value { get; } = value;

    protected override object? EvalCore(RenderContext context) => Value;
}

internal sealed class NameExpr(int line, string name) : Expr(line)
{
    public string Name { get; } = name;

    protected override object? EvalCore(RenderContext context) => context.Scope.Lookup(Name);
}

/// <summary>A list literal; builds a fresh list each time because templates may append to it.</summary>
internal sealed class ListExpr(int line, Expr[] items) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        var list = new List<object?>(items.Length);
        foreach (var item in items)
        {
            list.Add(item.Eval(context));
        }
        return list;
    }
}

internal sealed class TupleExpr(int line, Expr[] items) : Expr(line)
{
    public Expr[] Items { get; } = items;

    protected override object? EvalCore(RenderContext context)
    {
        var tuple = new object?[Items.Length];
        for (var i = 0; i < Items.Length; i++)
        {
            tuple[i] = Items[i].Eval(context);
        }
        return tuple;
    }
}

internal sealed class DictExpr(int line, KeyValuePair<Expr, Expr>[] pairs) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        var dict = new JinjaDict(pairs.Length);
        foreach (var pair in pairs)
        {
            var key = pair.Key.Eval(context);
            if (key is null or Undefined)
            {
                throw new JinjaRuntimeException($"unhashable dict key: {PyOps.TypeName(key)}");
            }
            dict[key] = pair.Value.Eval(context);
        }
        return dict;
    }
}

/// <summary>Stands for the text a block captured, in <c>{% set x | f %}</c> and <c>{% filter f %}</c>.</summary>
internal sealed class CapturedExpr(int line) : Expr(line)
{
    protected override object? EvalCore(RenderContext context) => context.Captured;
}

internal sealed class AttrExpr(int line, Expr target, string name) : Expr(line)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;

    protected override object? EvalCore(RenderContext context) => PyAccess.GetAttr(Target.Eval(context), Name);
}

internal sealed class ItemExpr(int line, Expr target, Expr key) : Expr(line)
{
    protected override object? EvalCore(RenderContext context) =>
        PyAccess.GetItem(target.Eval(context), key.Eval(context));
}

internal sealed class SliceExpr(int line, Expr target, Expr? start, Expr? stop, Expr? step) : Expr(line)
{
    protected override object? EvalCore(RenderContext context) => PyAccess.Slice(
        target.Eval(context), start?.Eval(context), stop?.Eval(context), step?.Eval(context));
}

internal sealed class CallExpr(int line, Expr callee, ArgList args) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        // Method calls on str/dict/list dispatch straight away instead of allocating a bound method.
        if (callee is AttrExpr attr)
        {
            var target = attr.Target.Eval(context);
            if (Methods.IsMethodOf(target, attr.Name))
            {
                // A method walks its target (find, count, index, split): priced by the target's size.
                context.Charge(target);
                return context.Charge(Methods.Call(target!, attr.Name, args.Eval(context)));
            }
            return Invoke(PyAccess.GetAttr(target, attr.Name), context);
        }
        return Invoke(callee.Eval(context), context);
    }

    private object? Invoke(object? function, RenderContext context) => function switch
    {
        JinjaCallable callable => context.Charge(callable.Invoke(context, args.Eval(context))),
        Undefined undefined => throw undefined.Fail(),
        _ => throw new JinjaRuntimeException($"'{PyOps.TypeName(function)}' object is not callable"),
    };
}
