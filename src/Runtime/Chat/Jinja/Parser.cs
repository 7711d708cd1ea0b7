namespace Llm.Runtime.Chat.Jinja;

/// <summary>Recursive-descent parser producing statement and expression nodes, following Jinja2's grammar.</summary>
internal sealed partial class Parser
{
    private readonly List<Token> tokens;
    private readonly int maxNesting;
    private int index;
    private int nesting;

    private Parser(List<Token> tokens, int maxNesting)
    {
        this.tokens = tokens;
        this.maxNesting = maxNesting;
    }

    /// <exception cref="JinjaSyntaxException">The tokens are not a valid template.</exception>
    /// <exception cref="JinjaLimitException">Blocks or expressions nest deeper than <paramref name="maxNesting"/>.</exception>
    public static Stmt[] Parse(List<Token> tokens, int maxNesting = JinjaOptions.DefaultMaxNesting)
    {
        var parser = new Parser(tokens, maxNesting);
        var body = parser.ParseBody([], out _);
        return body;
    }

    private Token Current => tokens[index];

    /// <summary>
    /// Enters one level of recursion (a block, a sub-expression, a unary operator). No finally is needed to
    /// leave on errors: any error ends the parse.
    /// </summary>
    private void Descend()
    {
        if (++nesting > maxNesting)
        {
            throw NestingError();
        }
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new JinjaLimitException(JinjaLimit.Nesting, $"chat template nests too deeply for the thread's stack (line {Current.Line}, column {Current.Column})");
        }
    }

    private void Ascend() => nesting--;

    /// <summary>
    /// Checks a chain built by a loop rather than by recursion (<c>a.b.c</c>, <c>x|f|g</c>, <c>a + b + c</c>):
    /// it parses flat but evaluates as deep as it is long.
    /// </summary>
    private void CheckChain(int length)
    {
        if (nesting + length > maxNesting)
        {
            throw NestingError();
        }
    }

    private JinjaLimitException NestingError() =>
        new(JinjaLimit.Nesting, $"chat template nesting exceeds {maxNesting} levels (line {Current.Line}, column {Current.Column})");

    private Token Peek(int offset = 1) => tokens[Math.Min(index + offset, tokens.Count - 1)];

    private Token Next() => tokens[index++];

    private JinjaSyntaxException Error(string reason, Token? at = null)
    {
        var token = at ?? Current;
        return new JinjaSyntaxException(reason, token.Line, token.Column);
    }

    private Token Expect(TokenKind kind, string? text = null)
    {
        var token = Current;
        if (token.Kind != kind || (text is not null && token.Text != text))
        {
            var wanted = text is not null ? $"'{text}'" : kind switch
            {
                TokenKind.BlockEnd => "end of statement block",
                TokenKind.VariableEnd => "end of print statement",
                TokenKind.Name => "name",
                _ => kind.ToString(),
            };
            throw Error($"expected {wanted}, got {token}");
        }
        index++;
        return token;
    }

    private bool SkipName(string name)
    {
        if (Current.IsName(name))
        {
            index++;
            return true;
        }
        return false;
    }

    private bool SkipOperator(string op)
    {
        if (Current.IsOperator(op))
        {
            index++;
            return true;
        }
        return false;
    }

    /// <summary>Parses until a block tag named in <paramref name="endTags"/>; leaves that tag's name as the current token.</summary>
    private Stmt[] ParseBody(string[] endTags, out string? endTag, string? opener = null)
    {
        Descend();
        try
        {
            return ParseBodyCore(endTags, out endTag, opener);
        }
        finally
        {
            Ascend();
        }
    }

    private Stmt[] ParseBodyCore(string[] endTags, out string? endTag, string? opener)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Data:
                    index++;
                    body.Add(new TextStmt(token.Line, token.Text));
                    break;
                case TokenKind.VariableBegin:
                    index++;
                    var expression = ParseTuple(withCondExpr: true, explicitParentheses: false);
                    Expect(TokenKind.VariableEnd);
                    body.Add(new PrintStmt(token.Line, expression));
                    break;
                case TokenKind.BlockBegin:
                    index++;
                    var name = Current;
                    if (name.Kind == TokenKind.Name && Array.IndexOf(endTags, name.Text) >= 0)
                    {
                        endTag = name.Text;
                        return [.. body];
                    }
                    body.Add(ParseStatement());
                    break;
                case TokenKind.Eof:
                    if (endTags.Length > 0)
                    {
                        var wanted = string.Join(" or ", Array.ConvertAll(endTags, t => $"'{t}'"));
                        throw Error($"Unexpected end of template. Jinja was looking for the following tags: {wanted}. The innermost block that needs to be closed is '{opener}'.");
                    }
                    endTag = null;
                    return [.. body];
                default:
                    throw Error($"unexpected {token}");
            }
        }
    }

    private Stmt ParseStatement()
    {
        var tag = Current;
        if (tag.Kind != TokenKind.Name)
        {
            throw Error("tag name expected");
        }
        index++;
        Stmt stmt = tag.Text switch
        {
            "if" => ParseIf(tag),
            "for" => ParseFor(tag),
            "set" => ParseSet(tag),
            "macro" => ParseMacro(tag),
            "filter" => ParseFilterBlock(tag),
            "break" => new LoopControlStmt(tag.Line, Flow.Break),
            "continue" => new LoopControlStmt(tag.Line, Flow.Continue),
            "do" => new DoStmt(tag.Line, ParseTuple(withCondExpr: true, explicitParentheses: false)),
            // Hugging Face's generation tag only marks assistant spans for masking; its body renders as is.
            "generation" => ParseWrapper(tag, "endgeneration"),
            _ => throw Error($"Encountered unknown tag '{tag.Text}'.", tag),
        };
        Expect(TokenKind.BlockEnd);
        return stmt;
    }

    private Stmt[] ParseBlockBody(Token opener, string[] endTags, out string endTag)
    {
        Expect(TokenKind.BlockEnd);
        var body = ParseBody(endTags, out var found, opener.Text);
        endTag = found!;
        index++;
        return body;
    }

    private Stmt ParseIf(Token tag)
    {
        var conditions = new List<Expr>();
        var bodies = new List<Stmt[]>();
        Stmt[]? otherwise = null;
        conditions.Add(ParseTuple(withCondExpr: false, explicitParentheses: false));
        while (true)
        {
            var body = ParseBlockBody(tag, ["elif", "else", "endif"], out var end);
            bodies.Add(body);
            if (end == "elif")
            {
                conditions.Add(ParseTuple(withCondExpr: false, explicitParentheses: false));
                continue;
            }
            if (end == "else")
            {
                otherwise = ParseBlockBody(tag, ["endif"], out _);
            }
            return new IfStmt(tag.Line, [.. conditions], [.. bodies], otherwise);
        }
    }

    private Stmt ParseFor(Token tag)
    {
        var target = ParseAssignTarget(withNamespace: false);
        Expect(TokenKind.Name, "in");
        var iterable = ParseTuple(withCondExpr: false, explicitParentheses: false, extraEnd: "recursive");
        Expr? condition = null;
        if (SkipName("if"))
        {
            condition = ParseExpression(withCondExpr: true);
        }
        if (Current.IsName("recursive"))
        {
            throw Error("recursive for loops are not supported");
        }
        var body = ParseBlockBody(tag, ["endfor", "else"], out var end);
        Stmt[]? otherwise = null;
        if (end == "else")
        {
            otherwise = ParseBlockBody(tag, ["endfor"], out _);
        }
        return new ForStmt(tag.Line, target, iterable, condition, body, otherwise);
    }

    private Stmt ParseSet(Token tag)
    {
        var target = ParseAssignTarget(withNamespace: true);
        if (SkipOperator("="))
        {
            return new SetStmt(tag.Line, target, ParseTuple(withCondExpr: true, explicitParentheses: false));
        }
        Expr? filter = Current.IsOperator("|") ? ParseFilters(new CapturedExpr(tag.Line)) : null;
        var body = ParseBlockBody(tag, ["endset"], out _);
        return new SetBlockStmt(tag.Line, target, body, filter);
    }

    private Stmt ParseFilterBlock(Token tag)
    {
        index--;
        var filter = ParseFilters(new CapturedExpr(tag.Line));
        var body = ParseBlockBody(tag, ["endfilter"], out _);
        return new FilterBlockStmt(tag.Line, body, filter);
    }

    private Stmt ParseWrapper(Token tag, string endTag)
    {
        var body = ParseBlockBody(tag, [endTag], out _);
        return new IfStmt(tag.Line, [new ConstExpr(tag.Line, true)], [body], null);
    }

    private Stmt ParseMacro(Token tag)
    {
        var name = Expect(TokenKind.Name).Text;
        Expect(TokenKind.Operator, "(");
        var parameters = new List<string>();
        var defaults = new List<Expr?>();
        while (!SkipOperator(")"))
        {
            if (parameters.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (SkipOperator(")"))
                {
                    break;
                }
            }
            parameters.Add(Expect(TokenKind.Name).Text);
            defaults.Add(SkipOperator("=") ? ParseExpression(withCondExpr: true) : null);
        }
        var body = ParseBlockBody(tag, ["endmacro"], out _);
        if (Current.Kind == TokenKind.Name)
        {
            index++;
        }
        return new MacroStmt(tag.Line, name, [.. parameters], [.. defaults], body);
    }

    private AssignTarget ParseAssignTarget(bool withNamespace)
    {
        var parenthesized = SkipOperator("(");
        var first = Expect(TokenKind.Name).Text;
        if (withNamespace && !parenthesized && SkipOperator("."))
        {
            return AssignTarget.NamespaceAttribute(first, Expect(TokenKind.Name).Text);
        }
        var names = new List<string> { first };
        var isTuple = parenthesized;
        while (SkipOperator(","))
        {
            isTuple = true;
            if (Current.Kind != TokenKind.Name)
            {
                break;
            }
            names.Add(Next().Text);
        }
        if (parenthesized)
        {
            Expect(TokenKind.Operator, ")");
        }
        return isTuple ? AssignTarget.Tuple([.. names]) : AssignTarget.Name(first);
    }
}
