namespace Llm.Runtime.Chat.Jinja;

/// <summary>The built-in tests of Jinja2 (<c>x is defined</c>, <c>x is divisibleby 3</c> ...).</summary>
internal static class Tests
{
    private static readonly Dictionary<string, TestFunction> All = new(StringComparer.Ordinal)
    {
        ["defined"] = (_, v, _) => v is not Undefined,
        ["undefined"] = (_, v, _) => v is Undefined,
        ["none"] = (_, v, _) => v is null,
        ["boolean"] = (_, v, _) => v is bool,
        ["true"] = (_, v, _) => v is true,
        ["false"] = (_, v, _) => v is false,
        ["integer"] = (_, v, _) => v is long,
        ["float"] = (_, v, _) => v is double,
        ["number"] = (_, v, _) => PyOps.IsNumber(v),
        ["string"] = (_, v, _) => v is string,
        ["mapping"] = (_, v, _) => v is JinjaDict,
        // Undefined has __len__ and __getitem__, so Jinja2 counts it a sequence.
        ["sequence"] = (_, v, _) => v is string or IList<object?> or JinjaDict or Undefined,
        ["iterable"] = (_, v, _) => v is string or IList<object?> or JinjaDict or Undefined,
        ["callable"] = (_, v, _) => v is JinjaCallable or Undefined,
        ["odd"] = (_, v, _) => ToInteger(v, "odd") % 2 != 0,
        ["even"] = (_, v, _) => ToInteger(v, "even") % 2 == 0,
        ["divisibleby"] = (_, v, a) => ToInteger(v, "divisibleby") % ToInteger(a.Get(0, "num"), "divisibleby") == 0,
        // str(value).islower(): any value, printed.
        ["lower"] = (_, v, _) => PyFormat.ToStr(v) is var s && s == s.ToLowerInvariant() && HasCased(s),
        ["upper"] = (_, v, _) => PyFormat.ToStr(v) is var s && s == s.ToUpperInvariant() && HasCased(s),
        ["sameas"] = (_, v, a) => SameAs(v, a.Get(0, "other")),
        ["escaped"] = (_, _, _) => false,
        ["in"] = (_, v, a) => PyAccess.Contains(a.Get(0, "seq"), v),
        ["filter"] = (_, v, _) => PyAccess.RequireHashable(v) is string s && Filters.Find(s) is not null,
        ["test"] = (_, v, _) => PyAccess.RequireHashable(v) is string s && Find(s) is not null,
    };

    static Tests()
    {
        AddComparison("==", ["eq", "equalto"]);
        AddComparison("!=", ["ne"]);
        AddComparison("<", ["lt", "lessthan"]);
        AddComparison("<=", ["le"]);
        AddComparison(">", ["gt", "greaterthan"]);
        AddComparison(">=", ["ge"]);
    }

    private static void AddComparison(string op, string[] aliases)
    {
        TestFunction test = (_, v, a) => CompareExpr.Compare(op, v, a.Get(0, "other"));
        All[op] = test;
        foreach (var alias in aliases)
        {
            All[alias] = test;
        }
    }

    public static TestFunction? Find(string name) => All.GetValueOrDefault(name);

    private static long ToInteger(object? value, string test) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) => (long)d,
        Undefined u => throw u.Fail(),
        _ => throw new JinjaRuntimeException($"test '{test}' needs an integer, got '{PyOps.TypeName(value)}'"),
    };

    private static bool HasCased(string s)
    {
        foreach (var c in s)
        {
            if (char.IsLetter(c) && char.ToUpperInvariant(c) != char.ToLowerInvariant(c))
            {
                return true;
            }
        }
        return false;
    }

    private static bool SameAs(object? x, object? y) =>
        ReferenceEquals(x, y) || (x is bool or long && PyOps.AreEqual(x, y) && x.GetType() == y?.GetType());
}
