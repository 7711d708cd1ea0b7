namespace Llm.Runtime.Chat.Jinja;

/// <summary>Expression grammar, with Jinja2's precedence: filters and tests bind tighter than any operator.</summary>
internal sealed partial class Parser
{
    private static readonly string[] CompareOperators = ["==", "!=", "<", "<=", ">", ">="];

    private Expr ParseExpression(bool withCondExpr)
    {
        Descend();
        var expr = ParseExpressionCore(withCondExpr);
        Ascend();
        return expr;
    }

    private Expr ParseExpressionCore(bool withCondExpr)
    {
        if (!withCondExpr)
        {
            return ParseOr();
        }
        var expr = ParseOr();
        var length = 0;
        while (Current.IsName("if"))
        {
            CheckChain(++length);
            var line = Next().Line;
            var test = ParseOr();
            var otherwise = SkipName("else") ? ParseExpression(withCondExpr: true) : null;
            expr = new CondExpr(line, test, expr, otherwise);
        }
        return expr;
    }

    private Expr ParseTuple(bool withCondExpr, bool explicitParentheses, string? extraEnd = null)
    {
        var line = Current.Line;
        var items = new List<Expr>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
            }
            var token = Current;
            if (token.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd || token.IsOperator(")")
                || (extraEnd is not null && token.IsName(extraEnd)) || (items.Count > 0 && token.IsName("if")))
            {
                break;
            }
            items.Add(ParseExpression(withCondExpr));
            if (Current.IsOperator(","))
            {
                isTuple = true;
            }
            else
            {
                break;
            }
        }
        if (!isTuple)
        {
            if (items.Count > 0)
            {
                return items[0];
            }
            if (!explicitParentheses)
            {
                throw Error($"Expected an expression, got {Current}");
            }
        }
        return new TupleExpr(line, [.. items]);
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        var length = 0;
        while (Current.IsName("or"))
        {
            CheckChain(++length);
            var line = Next().Line;
            left = new LogicExpr(line, isAnd: false, left, ParseAnd());
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        var length = 0;
        while (Current.IsName("and"))
        {
            CheckChain(++length);
            var line = Next().Line;
            left = new LogicExpr(line, isAnd: true, left, ParseNot());
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            var line = Next().Line;
            Descend();
            var operand = ParseNot();
            Ascend();
            return new NotExpr(line, operand);
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var line = Current.Line;
        var first = ParseMath1();
        List<string>? operators = null;
        List<Expr>? operands = null;
        while (true)
        {
            string op;
            var token = Current;
            if (token.Kind == TokenKind.Operator && Array.IndexOf(CompareOperators, token.Text) >= 0)
            {
                op = token.Text;
                index++;
            }
            else if (token.IsName("in"))
            {
                op = "in";
                index++;
            }
            else if (token.IsName("not") && Peek().IsName("in"))
            {
                op = "not in";
                index += 2;
            }
            else
            {
                break;
            }
            (operators ??= []).Add(op);
            (operands ??= []).Add(ParseMath1());
        }
        return operators is null ? first : new CompareExpr(line, first, [.. operators], [.. operands!]);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        var length = 0;
        while (Current.Kind == TokenKind.Operator && Current.Text is "+" or "-")
        {
            CheckChain(++length);
            var token = Next();
            var op = token.Text == "+" ? BinaryOperator.Add : BinaryOperator.Subtract;
            left = new BinaryExpr(token.Line, op, left, ParseConcat());
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var line = Current.Line;
        var first = ParseMath2();
        if (!Current.IsOperator("~"))
        {
            return first;
        }
        var parts = new List<Expr> { first };
        while (SkipOperator("~"))
        {
            parts.Add(ParseMath2());
        }
        return new ConcatExpr(line, [.. parts]);
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        var length = 0;
        while (Current.Kind == TokenKind.Operator && Current.Text is "*" or "/" or "//" or "%")
        {
            CheckChain(++length);
            var token = Next();
            var op = token.Text switch
            {
                "*" => BinaryOperator.Multiply,
                "/" => BinaryOperator.Divide,
                "//" => BinaryOperator.FloorDivide,
                _ => BinaryOperator.Modulo,
            };
            left = new BinaryExpr(token.Line, op, left, ParsePow());
        }
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        var length = 0;
        while (Current.IsOperator("**"))
        {
            CheckChain(++length);
            var token = Next();
            left = new BinaryExpr(token.Line, BinaryOperator.Power, left, ParseUnary(withFilter: true));
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        var token = Current;
        Expr node;
        if (token.IsOperator("-") || token.IsOperator("+"))
        {
            index++;
            Descend();
            node = new NegateExpr(token.Line, ParseUnary(withFilter: false), negate: token.Text == "-");
            Ascend();
        }
        else
        {
            node = ParsePrimary();
        }
        node = ParsePostfix(node);
        return withFilter ? ParseFilterChain(node) : node;
    }

    private Expr ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Text switch
                {
                    "true" or "True" => new ConstExpr(token.Line, true),
                    "false" or "False" => new ConstExpr(token.Line, false),
                    "none" or "None" => new ConstExpr(token.Line, null),
                    _ => new NameExpr(token.Line, token.Text),
                };
            case TokenKind.String:
                // Adjacent string literals concatenate, as in Python.
                if (Current.Kind != TokenKind.String)
                {
                    return new ConstExpr(token.Line, token.Value);
                }
                // A StringBuilder, so thousands of adjacent literals cost linear time, not quadratic.
                var text = new System.Text.StringBuilder((string)token.Value!);
                while (Current.Kind == TokenKind.String)
                {
                    text.Append((string)Next().Value!);
                }
                return new ConstExpr(token.Line, text.ToString());
            case TokenKind.Integer or TokenKind.Float:
                return new ConstExpr(token.Line, token.Value);
            case TokenKind.Operator when token.Text == "(":
                var inner = ParseTuple(withCondExpr: true, explicitParentheses: true);
                Expect(TokenKind.Operator, ")");
                return inner;
            case TokenKind.Operator when token.Text == "[":
                return ParseList(token);
            case TokenKind.Operator when token.Text == "{":
                return ParseDict(token);
            default:
                throw Error($"unexpected {token}", token);
        }
    }

    private Expr ParseList(Token open)
    {
        var items = new List<Expr>();
        while (!SkipOperator("]"))
        {
            if (items.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (SkipOperator("]"))
                {
                    break;
                }
            }
            items.Add(ParseExpression(withCondExpr: true));
        }
        return new ListExpr(open.Line, [.. items]);
    }

    private Expr ParseDict(Token open)
    {
        var pairs = new List<KeyValuePair<Expr, Expr>>();
        while (!SkipOperator("}"))
        {
            if (pairs.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (SkipOperator("}"))
                {
                    break;
                }
            }
            var key = ParseExpression(withCondExpr: true);
            Expect(TokenKind.Operator, ":");
            pairs.Add(new(key, ParseExpression(withCondExpr: true)));
        }
        return new DictExpr(open.Line, [.. pairs]);
    }
}
