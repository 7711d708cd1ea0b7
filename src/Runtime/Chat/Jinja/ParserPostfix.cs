namespace Llm.Runtime.Chat.Jinja;

/// <summary>Postfix forms: attribute and item access, slices, calls, filters and tests.</summary>
internal sealed partial class Parser
{
    private Expr ParsePostfix(Expr node)
    {
        var length = 0;
        while (true)
        {
            var token = Current;
            if (token.IsOperator("."))
            {
                index++;
                var name = Next();
                node = name.Kind switch
                {
                    TokenKind.Name => new AttrExpr(token.Line, node, name.Text),
                    TokenKind.Integer => new ItemExpr(token.Line, node, new ConstExpr(name.Line, name.Value)),
                    _ => throw Error("expected name or number", name),
                };
            }
            else if (token.IsOperator("["))
            {
                index++;
                node = ParseSubscript(node, token);
            }
            else if (token.IsOperator("("))
            {
                node = new CallExpr(token.Line, node, ParseCallArgs());
            }
            else
            {
                return node;
            }
            CheckChain(++length);
        }
    }

    private Expr ParseSubscript(Expr node, Token open)
    {
        Expr?[] parts = [null, null, null];
        var part = 0;
        var isSlice = false;
        var items = new List<Expr>();
        while (!SkipOperator("]"))
        {
            if (Current.IsOperator(":"))
            {
                index++;
                isSlice = true;
                if (++part > 2)
                {
                    throw Error("invalid slice");
                }
                continue;
            }
            if (Current.IsOperator(","))
            {
                index++;
                if (!isSlice && parts[0] is { } item)
                {
                    items.Add(item);
                    parts[0] = null;
                }
                continue;
            }
            parts[part] = ParseExpression(withCondExpr: true);
        }
        if (isSlice)
        {
            return new SliceExpr(open.Line, node, parts[0], parts[1], parts[2]);
        }
        if (parts[0] is null && items.Count == 0)
        {
            throw Error("expected subscript expression", open);
        }
        if (items.Count > 0)
        {
            if (parts[0] is { } last)
            {
                items.Add(last);
            }
            return new ItemExpr(open.Line, node, new TupleExpr(open.Line, [.. items]));
        }
        return new ItemExpr(open.Line, node, parts[0]!);
    }

    private ArgList ParseCallArgs()
    {
        Expect(TokenKind.Operator, "(");
        var positional = new List<Expr>();
        var named = new List<KeyValuePair<string, Expr>>();
        while (!SkipOperator(")"))
        {
            if (positional.Count + named.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (SkipOperator(")"))
                {
                    break;
                }
            }
            if (Current.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                var key = Next().Text;
                index++;
                named.Add(new(key, ParseExpression(withCondExpr: true)));
            }
            else
            {
                if (named.Count > 0)
                {
                    throw Error("positional argument follows keyword argument");
                }
                if (Current.IsOperator("*") || Current.IsOperator("**"))
                {
                    throw Error("*args and **kwargs in calls are not supported");
                }
                positional.Add(ParseExpression(withCondExpr: true));
            }
        }
        return positional.Count == 0 && named.Count == 0 ? ArgList.Empty : new ArgList([.. positional], [.. named]);
    }

    private Expr ParseFilterChain(Expr node)
    {
        for (var length = 1; ; length++)
        {
            if (Current.IsOperator("|"))
            {
                node = ParseFilters(node, single: true);
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (Current.IsOperator("("))
            {
                node = new CallExpr(Current.Line, node, ParseCallArgs());
            }
            else
            {
                return node;
            }
            CheckChain(length);
        }
    }

    /// <summary>Parses <c>| name(args)</c> links; for filter blocks a whole chain, in expressions one at a time.</summary>
    private Expr ParseFilters(Expr node, bool single = false)
    {
        var length = 0;
        do
        {
            CheckChain(++length);
            var pipe = Next();
            var name = ParseDottedName();
            var args = Current.IsOperator("(") ? ParseCallArgs() : ArgList.Empty;
            node = new FilterExpr(pipe.Line, node, name, Filters.Find(name), args);
        }
        while (!single && Current.IsOperator("|"));
        return node;
    }

    private Expr ParseTest(Expr node)
    {
        var token = Next();
        var negated = SkipName("not");
        var name = ParseDottedName();
        ArgList args;
        var current = Current;
        if (current.IsOperator("("))
        {
            args = ParseCallArgs();
        }
        else if ((current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                  || current.IsOperator("[") || current.IsOperator("{"))
                 && !current.IsName("else") && !current.IsName("or") && !current.IsName("and"))
        {
            if (current.IsName("is"))
            {
                throw Error("You cannot chain multiple tests with is");
            }
            // A single bare argument: `x is divisibleby 3`, `x is sameas none`.
            args = new ArgList([ParsePostfix(ParsePrimary())], []);
        }
        else
        {
            args = ArgList.Empty;
        }
        return new TestExpr(token.Line, node, name, Tests.Find(name), args, negated);
    }

    private string ParseDottedName()
    {
        var name = Expect(TokenKind.Name).Text;
        while (Current.IsOperator(".") && Peek().Kind == TokenKind.Name)
        {
            index++;
            name += "." + Next().Text;
        }
        return name;
    }
}
