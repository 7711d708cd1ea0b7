namespace Llm.Runtime.Chat.Jinja;

internal sealed class BinaryExpr(int line, BinaryOperator op, Expr left, Expr right) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        var x = left.Eval(context);
        var y = right.Eval(context);
        if (op == BinaryOperator.Multiply)
        {
            // Repetition is the one operator whose result can dwarf its operands: priced before it is built.
            context.Charge(RepeatSize(x, y) ?? RepeatSize(y, x) ?? 0);
        }
        return context.Charge(op switch
        {
            BinaryOperator.Add => PyOps.Add(x, y),
            BinaryOperator.Subtract => PyOps.Subtract(x, y),
            BinaryOperator.Multiply => PyOps.Multiply(x, y),
            BinaryOperator.Divide => PyOps.Divide(x, y),
            BinaryOperator.FloorDivide => PyOps.FloorDivide(x, y),
            BinaryOperator.Modulo => PyOps.Modulo(x, y),
            _ => PyOps.Power(x, y),
        });
    }

    private static long? RepeatSize(object? sequence, object? times)
    {
        var count = times switch
        {
            long l => l,
            bool b => b ? 1 : 0,
            _ => (long?)null,
        };
        var length = sequence switch
        {
            string s => s.Length,
            System.Collections.ICollection c => c.Count,
            _ => (long?)null,
        };
        if (count is not { } n || length is not { } len)
        {
            return null;
        }
        return n <= 0 || len == 0 ? 0 : n > long.MaxValue / len ? long.MaxValue : n * len;
    }
}

internal sealed class NegateExpr(int line, Expr operand, bool negate) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        var value = operand.Eval(context);
        if (negate)
        {
            return PyOps.Negate(value);
        }
        return PyOps.IsNumber(value) ? value : throw new JinjaRuntimeException($"bad operand type for unary +: '{PyOps.TypeName(value)}'");
    }
}

/// <summary>The <c>~</c> operator: str() of every operand, concatenated.</summary>
internal sealed class ConcatExpr(int line, Expr[] parts) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            sb.Append(PyFormat.ToStr(part.Eval(context)));
            RenderContext.EnsureSize(sb.Length);
        }
        return context.Charge(sb.ToString());
    }
}

internal sealed class NotExpr(int line, Expr operand) : Expr(line)
{
    protected override object? EvalCore(RenderContext context) => !PyOps.IsTruthy(operand.Eval(context));
}

/// <summary><c>and</c>/<c>or</c> return an operand, not a bool, as in Python.</summary>
internal sealed class LogicExpr(int line, bool isAnd, Expr left, Expr right) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        var x = left.Eval(context);
        return PyOps.IsTruthy(x) == isAnd ? right.Eval(context) : x;
    }
}

internal sealed class CondExpr(int line, Expr test, Expr then, Expr? otherwise) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        if (PyOps.IsTruthy(test.Eval(context)))
        {
            return then.Eval(context);
        }
        // Without an else branch Jinja2 yields undefined.
        return otherwise is null ? new Undefined("the inline if-expression evaluated to false and no else section was defined.") : otherwise.Eval(context);
    }
}

/// <summary>A comparison chain: <c>a &lt; b &lt;= c</c> means <c>a &lt; b and b &lt;= c</c>.</summary>
internal sealed class CompareExpr(int line, Expr first, string[] operators, Expr[] operands) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        var left = first.Eval(context);
        for (var i = 0; i < operators.Length; i++)
        {
            var right = operands[i].Eval(context);
            // Equality, ordering and 'in' walk their operands: priced by their size.
            context.Charge(left);
            context.Charge(right);
            if (!Compare(operators[i], left, right))
            {
                return false;
            }
            left = right;
        }
        return true;
    }

    public static bool Compare(string op, object? x, object? y) => op switch
    {
        "==" => PyOps.AreEqual(x, y),
        "!=" => !PyOps.AreEqual(x, y),
        "<" => PyOps.Compare(x, y, op) < 0,
        "<=" => PyOps.Compare(x, y, op) <= 0,
        ">" => PyOps.Compare(x, y, op) > 0,
        ">=" => PyOps.Compare(x, y, op) >= 0,
        "in" => PyAccess.Contains(y, x),
        _ => !PyAccess.Contains(y, x),
    };
}

internal sealed class FilterExpr(int line, Expr operand, string name, FilterFunction? filter, ArgList args) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        if (filter is null)
        {
            throw new JinjaRuntimeException($"No filter named '{name}'.");
        }
        return context.Charge(filter(context, context.Charge(operand.Eval(context)), args.Eval(context)));
    }
}

internal sealed class TestExpr(int line, Expr operand, string name, TestFunction? test, ArgList args, bool negated) : Expr(line)
{
    protected override object? EvalCore(RenderContext context)
    {
        if (test is null)
        {
            throw new JinjaRuntimeException($"No test named '{name}'.");
        }
        return test(context, operand.Eval(context), args.Eval(context)) != negated;
    }
}
