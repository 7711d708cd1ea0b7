using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>
/// A generator of templates built to hurt the engine: every recursive construct of the grammar nested thousands
/// of levels deep, recursion at run time, loops whose work multiplies, and outputs or values that grow without
/// bound. Each comes with the limit that must stop it.
/// </summary>
public static class HostileTemplates
{
    /// <summary>Depths far past any limit: a recursive-descent parser or tree walker without a bound overflows at a few hundred to a few thousand.</summary>
    public static readonly int[] Depths = [10_000, 100_000];

    /// <summary>Gets a hostile template.</summary>
    public sealed record Case(string Name, string Template, JinjaLimit Limit)
    {
        public override string ToString() => Name;
    }

    /// <summary>Every construct that nests: in expressions, in blocks, at run time and in values.</summary>
    public static IEnumerable<Case> Nesting(int n)
    {
        // Expressions: recursion in the parser.
        yield return new($"parentheses x{n}", "{{ " + R("(", n) + "1" + R(")", n) + " }}", JinjaLimit.Nesting);
        yield return new($"unary minus x{n}", "{{ " + R("-", n) + "1 }}", JinjaLimit.Nesting);
        yield return new($"unary plus/minus x{n}", "{{ " + R("+-", n / 2) + "1 }}", JinjaLimit.Nesting);
        yield return new($"not x{n}", "{{ " + R("not ", n) + "x }}", JinjaLimit.Nesting);
        yield return new($"lists x{n}", "{{ " + R("[", n) + "1" + R("]", n) + " }}", JinjaLimit.Nesting);
        yield return new($"dicts x{n}", "{{ " + R("{'a': ", n) + "1" + R("}", n) + " }}", JinjaLimit.Nesting);
        yield return new($"tuples x{n}", "{{ " + R("(1, ", n) + "1" + R(")", n) + " }}", JinjaLimit.Nesting);
        yield return new($"call arguments x{n}", "{{ " + R("range(", n) + "1" + R(")", n) + " }}", JinjaLimit.Nesting);
        yield return new($"keyword arguments x{n}", "{{ " + R("dict(a=", n) + "1" + R(")", n) + " }}", JinjaLimit.Nesting);
        yield return new($"filter arguments x{n}", "{{ " + R("x|default(", n) + "1" + R(")", n) + " }}", JinjaLimit.Nesting);
        yield return new($"subscript keys x{n}", "{{ " + R("x[", n) + "0" + R("]", n) + " }}", JinjaLimit.Nesting);
        yield return new($"conditional else-chain x{n}", "{{ " + R("1 if x else ", n) + "1 }}", JinjaLimit.Nesting);
        yield return new($"conditional tests x{n}", "{{ 1 if " + R("(1 if ", n) + "x" + R(" else 1)", n) + " else 2 }}", JinjaLimit.Nesting);
        // Expressions: chains a loop parses flat but evaluation would walk as deep as they are long.
        yield return new($"attribute chain x{n}", "{{ x" + R(".a", n) + " }}", JinjaLimit.Nesting);
        yield return new($"item chain x{n}", "{{ x" + R("[0]", n) + " }}", JinjaLimit.Nesting);
        yield return new($"slice chain x{n}", "{{ x" + R("[1:]", n) + " }}", JinjaLimit.Nesting);
        yield return new($"call chain x{n}", "{{ x" + R("()", n) + " }}", JinjaLimit.Nesting);
        yield return new($"filter chain x{n}", "{{ x" + R("|string", n) + " }}", JinjaLimit.Nesting);
        yield return new($"filter block chain x{n}", "{% filter " + string.Join("|", Enumerable.Repeat("upper", n)) + " %}a{% endfilter %}", JinjaLimit.Nesting);
        yield return new($"tests on parenthesised tests x{n}", "{{ " + R("(", n) + "x is defined" + R(") is sameas true", n) + " }}", JinjaLimit.Nesting);
        yield return new($"plus chain x{n}", "{{ 1" + R(" + 1", n) + " }}", JinjaLimit.Nesting);
        yield return new($"minus chain x{n}", "{{ 1" + R(" - 1", n) + " }}", JinjaLimit.Nesting);
        yield return new($"times chain x{n}", "{{ 1" + R(" * 1", n) + " }}", JinjaLimit.Nesting);
        yield return new($"modulo chain x{n}", "{{ 1" + R(" % 7", n) + " }}", JinjaLimit.Nesting);
        yield return new($"power chain x{n}", "{{ 1" + R(" ** 1", n) + " }}", JinjaLimit.Nesting);
        yield return new($"or chain x{n}", "{{ x" + R(" or x", n) + " }}", JinjaLimit.Nesting);
        yield return new($"and chain x{n}", "{{ x" + R(" and x", n) + " }}", JinjaLimit.Nesting);
        // Blocks: recursion in the parser and in rendering.
        yield return new($"if blocks x{n}", R("{% if true %}", n) + "x" + R("{% endif %}", n), JinjaLimit.Nesting);
        yield return new($"elif-else blocks x{n}", R("{% if false %}{% elif false %}{% else %}", n) + "x" + R("{% endif %}", n), JinjaLimit.Nesting);
        yield return new($"for blocks x{n}", R("{% for i in [1] %}", n) + "x" + R("{% endfor %}", n), JinjaLimit.Nesting);
        yield return new($"macro definitions x{n}", R("{% macro m() %}", n) + "x" + R("{% endmacro %}", n), JinjaLimit.Nesting);
        yield return new($"set blocks x{n}", R("{% set s %}", n) + "x" + R("{% endset %}", n), JinjaLimit.Nesting);
        yield return new($"filter blocks x{n}", R("{% filter upper %}", n) + "x" + R("{% endfilter %}", n), JinjaLimit.Nesting);
        yield return new($"generation blocks x{n}", R("{% generation %}", n) + "x" + R("{% endgeneration %}", n), JinjaLimit.Nesting);
        yield return new($"if blocks with parenthesised tests x{n}", R("{% if (((1))) %}", n) + "x" + R("{% endif %}", n), JinjaLimit.Nesting);
    }

    /// <summary>Recursion and deep values that only exist while the template runs.</summary>
    public static IEnumerable<Case> RunTime()
    {
        yield return new("recursive macro", "{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}", JinjaLimit.Nesting);
        yield return new("recursive macro with an argument", "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}", JinjaLimit.Nesting);
        yield return new("mutually recursive macros", "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}", JinjaLimit.Nesting);
        yield return new("recursive macro through a default", "{% macro r(x=r()) %}{% endmacro %}{{ r() }}", JinjaLimit.Nesting);
        yield return new("recursive macro deep inside expressions", "{% macro r() %}{{ ((((((((((r())))))))))) }}{% endmacro %}{{ r() }}", JinjaLimit.Nesting);
        yield return new("exponential macro fan-out", "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}", JinjaLimit.Steps);
        const string deepList = "{% set ns = namespace(x=1) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}";
        yield return new("deep value printed", deepList + "{{ ns.x }}", JinjaLimit.Nesting);
        yield return new("deep value to JSON", deepList + "{{ ns.x|tojson }}", JinjaLimit.Nesting);
        yield return new("deep value compared", deepList + "{{ ns.x == [ns.x] }}", JinjaLimit.Nesting);
        yield return new("deep value ordered", deepList + "{{ ns.x < [ns.x] }}", JinjaLimit.Nesting);
        yield return new("deep values compared", "{% set ns = namespace(x=1, y=1) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% set ns.y = [ns.y] %}{% endfor %}{{ ns.x == ns.y }}", JinjaLimit.Nesting);
        yield return new("deep value searched", "{% set ns = namespace(x=1, y=1) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% set ns.y = [ns.y] %}{% endfor %}{{ ns.x in [ns.y] }}", JinjaLimit.Nesting);
        yield return new("deep dict to JSON", "{% set ns = namespace(x=1) %}{% for i in range(100000) %}{% set ns.x = {'a': ns.x} %}{% endfor %}{{ ns.x|tojson(indent=2) }}", JinjaLimit.Nesting);
        yield return new("list that contains itself printed", "{% set l = [] %}{% do l.append(l) %}{{ l }}", JinjaLimit.Nesting);
        yield return new("list that contains itself to JSON", "{% set l = [] %}{% do l.append(l) %}{{ l|tojson }}", JinjaLimit.Nesting);
        yield return new("dict that contains itself printed", "{% set d = {} %}{% do d.update({'a': d}) %}{{ d }}", JinjaLimit.Nesting);
    }

    /// <summary>Work that multiplies and output that grows.</summary>
    public static IEnumerable<Case> Budgets()
    {
        yield return new("nested loops", "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", JinjaLimit.Steps);
        yield return new("nested loops over messages", "{% for a in range(100000) %}{% for m in messages %}{% for b in range(100000) %}{{ '' }}{% endfor %}{% endfor %}{% endfor %}", JinjaLimit.Steps);
        yield return new("loop filter that keeps nothing", "{% for a in range(100000) %}{% for b in range(100000) if false %}{% endfor %}{% endfor %}", JinjaLimit.Steps);
        yield return new("searching a big list in a loop", "{% set big = range(100000)|list %}{% for a in range(100000) %}{{ -1 in big }}{% endfor %}", JinjaLimit.Steps);
        yield return new("sorting in a loop", "{% for a in range(100000) %}{{ range(100000)|sort|length }}{% endfor %}", JinjaLimit.Steps);
        yield return new("string repetition", "{{ 'x' * 100000000 }}", JinjaLimit.Output);
        yield return new("string repetition by a huge count", "{{ 'xy' * 9000000000000000000 }}", JinjaLimit.Output);
        yield return new("list repetition", "{{ ([1] * 100000000)|length }}", JinjaLimit.Output);
        yield return new("output in a loop", "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", JinjaLimit.Output);
        yield return new("doubling string", "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}", JinjaLimit.Output);
        yield return new("doubling concatenation", "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}", JinjaLimit.Output);
        yield return new("doubling list", "{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}", JinjaLimit.Steps);
        yield return new("replace that inserts everywhere", "{{ ('x' * 10000).replace('', 'y' * 10000)|length }}", JinjaLimit.Output);
        yield return new("replace filter that multiplies", "{{ ('x' * 10000)|replace('x', 'y' * 10000)|length }}", JinjaLimit.Output);
        yield return new("join of a repeated string", "{{ (['x' * 1000000] * 100)|join|length }}", JinjaLimit.Output);
        yield return new("join method of a repeated string", "{{ ''.join(['x' * 1000000] * 100)|length }}", JinjaLimit.Output);
        yield return new("huge indent", "{{ 'a\\nb'|indent(1000000000) }}", JinjaLimit.Output);
        yield return new("huge JSON indent", "{{ [1, 2]|tojson(indent=1000000000) }}", JinjaLimit.Output);
        yield return new("huge format width", "{{ '%999999999d' % 1 }}", JinjaLimit.Output);
        yield return new("huge format precision", "{{ '%.999999999f' % 1 }}", JinjaLimit.Output);
        yield return new("huge format filter width", "{{ '%999999999s'|format('a') }}", JinjaLimit.Output);
        yield return new("repr of a repeated big string", "{{ ['x' * 1000000] * 100 }}", JinjaLimit.Output);
        yield return new("JSON of a repeated big string", "{{ (['x' * 1000000] * 100)|tojson }}", JinjaLimit.Output);
    }

    /// <summary>Every hostile case, at every depth.</summary>
    public static IEnumerable<Case> All() =>
        Depths.SelectMany(Nesting).Concat(RunTime()).Concat(Budgets());

    private static string R(string s, int n) => new System.Text.StringBuilder(s.Length * n).Insert(0, s, n).ToString();
}
