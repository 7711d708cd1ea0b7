namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// Python semantics for the operators templates use. Values are the engine's model:
/// null (None), bool, long, double, string, List (list), object?[] (tuple), JinjaDict, Undefined, ...
/// </summary>
internal static class PyOps
{
    public static bool IsTruthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length != 0,
        long l => l != 0,
        double d => d != 0,
        Undefined => false,
        System.Collections.ICollection c => c.Count != 0,
        JinjaNamespace => true,
        _ => true,
    };

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        object?[] => "tuple",
        JinjaDict => "dict",
        Undefined => "Undefined",
        JinjaNamespace => "Namespace",
        LoopContext => "LoopContext",
        JinjaCallable => "function",
        _ => value.GetType().Name,
    };

    /// <summary>True for int and float, and for bool, which Python treats as an int.</summary>
    public static bool IsNumber(object? value) => value is long or double or bool;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException("not a number"),
    };

    private static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException("not an int"),
    };

    private static bool IsIntLike(object? value) => value is long or bool;

    public static bool AreEqual(object? x, object? y) => AreEqual(x, y, 0);

    private static bool AreEqual(object? x, object? y, int level)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }
        switch (x)
        {
            case null:
                return false;
            case string sx:
                return y is string sy && string.Equals(sx, sy, StringComparison.Ordinal);
            case long or double or bool:
                if (!IsNumber(y))
                {
                    return false;
                }
                if (IsIntLike(x) && IsIntLike(y))
                {
                    return ToLong(x) == ToLong(y);
                }
                return ToDouble(x) == ToDouble(y);
            case Undefined:
                return y is Undefined;
            case List<object?> lx:
                return y is List<object?> ly && SequenceEqual(lx, ly, level + 1);
            case object?[] tx:
                return y is object?[] ty && SequenceEqual(tx, ty, level + 1);
            case JinjaDict dx:
                return y is JinjaDict dy && DictEqual(dx, dy, level + 1);
            default:
                return x.Equals(y);
        }
    }

    private static bool SequenceEqual(IList<object?> a, IList<object?> b, int level)
    {
        RenderContext.EnterValue(level);
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!AreEqual(a[i], b[i], level))
            {
                return false;
            }
        }
        return true;
    }

    private static bool DictEqual(JinjaDict a, JinjaDict b, int level)
    {
        RenderContext.EnterValue(level);
        if (a.Count != b.Count)
        {
            return false;
        }
        foreach (var pair in a)
        {
            if (!b.TryGetValue(pair.Key, out var other) || !AreEqual(pair.Value, other, level))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Three-way ordering for &lt; &lt;= &gt; &gt;=; throws Python's TypeError when the types don't order.</summary>
    public static int Compare(object? x, object? y, string op) => Compare(x, y, op, 0);

    private static int Compare(object? x, object? y, string op, int level)
    {
        RenderContext.EnterValue(level);
        if (x is Undefined ux)
        {
            throw ux.Fail();
        }
        if (y is Undefined uy)
        {
            throw uy.Fail();
        }
        if (IsNumber(x) && IsNumber(y))
        {
            if (IsIntLike(x) && IsIntLike(y))
            {
                return ToLong(x).CompareTo(ToLong(y));
            }
            return ToDouble(x).CompareTo(ToDouble(y));
        }
        if (x is string sx && y is string sy)
        {
            return string.CompareOrdinal(sx, sy);
        }
        if (x is IList<object?> lx && y is IList<object?> ly && x.GetType() == y.GetType())
        {
            var n = Math.Min(lx.Count, ly.Count);
            for (var i = 0; i < n; i++)
            {
                if (!AreEqual(lx[i], ly[i]))
                {
                    return Compare(lx[i], ly[i], op, level + 1);
                }
            }
            return lx.Count.CompareTo(ly.Count);
        }
        throw new JinjaRuntimeException(
            $"'{op}' not supported between instances of '{TypeName(x)}' and '{TypeName(y)}'");
    }

    public static object? Add(object? x, object? y)
    {
        FailIfUndefined(x, y);
        if (IsNumber(x) && IsNumber(y))
        {
            return IsIntLike(x) && IsIntLike(y) ? (object)checked(ToLong(x) + ToLong(y)) : ToDouble(x) + ToDouble(y);
        }
        switch (x)
        {
            case string sx when y is string sy:
                return string.Concat(sx, sy);
            case string:
                throw new JinjaRuntimeException($"can only concatenate str (not \"{TypeName(y)}\") to str");
            case List<object?> lx when y is List<object?> ly:
                var list = new List<object?>(lx.Count + ly.Count);
                list.AddRange(lx);
                list.AddRange(ly);
                return list;
            case List<object?>:
                throw new JinjaRuntimeException($"can only concatenate list (not \"{TypeName(y)}\") to list");
            case object?[] tx when y is object?[] ty:
                return (object?[])[.. tx, .. ty];
        }
        throw Unsupported("+", x, y);
    }

    public static object? Subtract(object? x, object? y)
    {
        FailIfUndefined(x, y);
        if (IsNumber(x) && IsNumber(y))
        {
            return IsIntLike(x) && IsIntLike(y) ? (object)checked(ToLong(x) - ToLong(y)) : ToDouble(x) - ToDouble(y);
        }
        throw Unsupported("-", x, y);
    }

    public static object? Multiply(object? x, object? y)
    {
        FailIfUndefined(x, y);
        if (IsNumber(x) && IsNumber(y))
        {
            return IsIntLike(x) && IsIntLike(y) ? (object)checked(ToLong(x) * ToLong(y)) : ToDouble(x) * ToDouble(y);
        }
        if (x is string s && IsIntLike(y))
        {
            return Repeat(s, ToLong(y));
        }
        if (y is string s2 && IsIntLike(x))
        {
            return Repeat(s2, ToLong(x));
        }
        if (x is List<object?> list && IsIntLike(y))
        {
            var result = new List<object?>();
            for (long i = 0; i < ToLong(y); i++)
            {
                result.AddRange(list);
            }
            return result;
        }
        throw Unsupported("*", x, y);
    }

    private static string Repeat(string s, long times) =>
        times <= 0 ? string.Empty : new System.Text.StringBuilder(s.Length * (int)times).Insert(0, s, (int)times).ToString();

    public static object? Divide(object? x, object? y)
    {
        FailIfUndefined(x, y);
        if (IsNumber(x) && IsNumber(y))
        {
            var divisor = ToDouble(y);
            if (divisor == 0)
            {
                throw new JinjaRuntimeException("division by zero");
            }
            return ToDouble(x) / divisor;
        }
        throw Unsupported("/", x, y);
    }

    public static object? FloorDivide(object? x, object? y)
    {
        FailIfUndefined(x, y);
        if (IsNumber(x) && IsNumber(y))
        {
            if (ToDouble(y) == 0)
            {
                throw new JinjaRuntimeException("integer division or modulo by zero");
            }
            if (IsIntLike(x) && IsIntLike(y))
            {
                long a = ToLong(x), b = ToLong(y);
                var q = a / b;
                return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
            }
            return Math.Floor(ToDouble(x) / ToDouble(y));
        }
        throw Unsupported("//", x, y);
    }

    public static object? Modulo(object? x, object? y)
    {
        FailIfUndefined(x, y);
        if (x is string format)
        {
            // printf-style formatting: a tuple supplies several arguments, anything else one.
            return PrintfFormatter.Format(format, y as object?[] ?? [y]);
        }
        if (IsNumber(x) && IsNumber(y))
        {
            if (ToDouble(y) == 0)
            {
                throw new JinjaRuntimeException("integer division or modulo by zero");
            }
            if (IsIntLike(x) && IsIntLike(y))
            {
                long a = ToLong(x), b = ToLong(y);
                var r = a % b;
                return r != 0 && (r < 0) != (b < 0) ? r + b : r;
            }
            double da = ToDouble(x), db = ToDouble(y);
            var m = da % db;
            return m != 0 && (m < 0) != (db < 0) ? m + db : m;
        }
        throw Unsupported("%", x, y);
    }

    public static object? Power(object? x, object? y)
    {
        FailIfUndefined(x, y);
        if (IsNumber(x) && IsNumber(y))
        {
            if (IsIntLike(x) && IsIntLike(y) && ToLong(y) >= 0)
            {
                // By squaring, checked: Python's ints are unbounded, ours are 64-bit, so an overflow is an error, not a wrap.
                long result = 1, b = ToLong(x);
                for (var e = ToLong(y); e > 0; e >>= 1)
                {
                    if ((e & 1) != 0) result = checked(result * b);
                    if (e > 1) b = checked(b * b);
                }
                return result;
            }
            return Math.Pow(ToDouble(x), ToDouble(y));
        }
        throw Unsupported("**", x, y);
    }

    public static object? Negate(object? x) => x switch
    {
        long l => (object)checked(-l),
        double d => -d,
        bool b => b ? -1L : 0L,
        Undefined u => throw u.Fail(),
        _ => throw new JinjaRuntimeException($"bad operand type for unary -: '{TypeName(x)}'"),
    };

    public static void FailIfUndefined(object? x, object? y)
    {
        if (x is Undefined ux)
        {
            throw ux.Fail();
        }
        if (y is Undefined uy)
        {
            throw uy.Fail();
        }
    }

    private static JinjaRuntimeException Unsupported(string op, object? x, object? y) =>
        new($"unsupported operand type(s) for {op}: '{TypeName(x)}' and '{TypeName(y)}'");
}
