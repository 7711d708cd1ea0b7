using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>
/// One row per construct or filter. Expected strings were produced by Jinja2 3.1 configured as Hugging Face
/// configures it (trim_blocks, lstrip_blocks, json.dumps tojson, strftime_now pinned to 2024-07-26).
/// </summary>
public class JinjaConstructTests
{
    internal static readonly JinjaOptions Options = new() { Clock = new FixedClock(new DateTimeOffset(2024, 7, 26, 0, 0, 0, TimeSpan.Zero)) };

    internal static Dictionary<string, object?> Variables() => new()
    {
        ["name"] = "World",
        ["items"] = new List<int> { 1, 2, 3 },
        ["user"] = new Dictionary<string, object?> { ["name"] = "Ann", ["age"] = 30 },
        ["msgs"] = new object[]
        {
            new Dictionary<string, string> { ["role"] = "user", ["content"] = "hi" },
            new Dictionary<string, string> { ["role"] = "assistant", ["content"] = "yo" },
        },
        ["text"] = "  Hello World  ",
    };

    [Theory]
        [InlineData("Literals", "{{ \"a\\tb\\n\" }}|{{ 'it\\'s' }}|{{ \"\\u00e9\\x41\" }}|{{ \"a\" \"b\" }}", "a\tb\n|it's|\u00e9A|ab")]
        [InlineData("Literals", "{{ 42 }} {{ -7 }} {{ 1.0 }} {{ 2.50 }} {{ 1e3 }} {{ 1_000 }}", "42 -7 1.0 2.5 1000.0 1000")]
        [InlineData("Literals", "{{ true }} {{ True }} {{ false }} {{ none }} {{ None }}", "True True False None None")]
        [InlineData("Literals", "{{ [1, \"a\", none, true, 1.5] }} {{ (1,) }} {{ (1, 2) }} {{ {\"k\": \"v\", \"n\": [1]} }} {{ [] }} {{ {} }}", "[1, 'a', None, True, 1.5] (1,) (1, 2) {'k': 'v', 'n': [1]} [] {}")]
        [InlineData("Literals", "{{ [\"it's\", \"say \\\"hi\\\"\"] }}", "[\"it's\", 'say \"hi\"']")]
        [InlineData("Arithmetic", "{{ 1 + 2 }} {{ 1 + 2.0 }} {{ 7 - 10 }} {{ 3 * 4 }} {{ 7 / 2 }} {{ 6 / 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 8 }} {{ 2 ** -1 }}", "3 3.0 -3 12 3.5 2.0 3 -4 1 2 256 0.5")]
        [InlineData("Arithmetic", "{{ 10.0 // 3 }} {{ 7.5 % 2 }} {{ 1 / 3 }} {{ 0.1 + 0.2 }} {{ 1e100 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }}", "3.0 1.5 0.3333333333333333 0.30000000000000004 1e+100 1e+16 1000000000000000.0 0.0001 1e-05")]
        [InlineData("Arithmetic", "{{ \"ab\" * 3 }} {{ [1, 2] * 2 }} {{ \"a\" + \"b\" }} {{ [1] + [2] }} {{ \"x\" ~ 1 ~ none ~ true }}", "ababab [1, 2, 1, 2] ab [1, 2] x1NoneTrue")]
        [InlineData("Arithmetic", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 10 - 2 - 3 }} {{ \"a\" ~ (1 + 2) }} {{ 1 ~ 2 * 3 }}", "7 9 64 4 5 a3 16")]
        [InlineData("Arithmetic", "{{ true + 1 }} {{ -(3) }} {{ +3 }}", "2 -3 3")]
        [InlineData("Comparisons", "{{ 1 == 1.0 }} {{ 1 != 2 }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ \"a\" < \"b\" }} {{ [1, 2] < [1, 3] }} {{ 2 >= 2 }} {{ 1 <= 0 }}", "True True True False True True True False")]
        [InlineData("Comparisons", "{{ \"a\" in \"cat\" }} {{ 2 in [1, 2] }} {{ \"k\" in {\"k\": 1} }} {{ 3 not in [1, 2] }} {{ \"z\" not in \"cat\" }}", "True True True True True")]
        [InlineData("Comparisons", "{{ [1, 2] == [1, 2] }} {{ {\"a\": 1} == {\"a\": 1} }} {{ none == none }} {{ \"1\" == 1 }}", "True True True False")]
        [InlineData("Logic", "{{ true and \"x\" }} {{ false or \"y\" }} {{ 0 or [] }} {{ not 0 }} {{ not \"a\" }} {{ 1 and 0 }}", "x y [] True False 0")]
        [InlineData("Logic", "{% if \"\" or [] or {} or 0 or 0.0 or none %}t{% else %}f{% endif %}{% if \" \" and [0] and {\"a\": 0} %}t{% endif %}", "ft")]
        [InlineData("Logic", "{{ \"yes\" if 1 > 0 else \"no\" }} {{ \"yes\" if 0 else \"no\" }} [{{ \"a\" if false }}] {{ 1 if 0 else 2 if 1 else 3 }}", "yes no [] 2")]
        [InlineData("Logic", "{{ not true == false }} {{ not 1 in [1] }}", "True False")]
        [InlineData("Access", "{{ user.name }} {{ user[\"age\"] }} {{ items[0] }} {{ items[-1] }} {{ items.1 }} {{ msgs[1].role }}", "Ann 30 1 3 2 assistant")]
        [InlineData("Access", "[{{ user.missing }}] [{{ items[10] }}] {{ user.missing is defined }} {{ user.name is defined }}", "[] [] False True")]
        [InlineData("Access", "{{ items[1:] }} {{ items[:-1] }} {{ items[::-1] }} {{ items[::2] }} {{ \"hello\"[1:3] }} {{ \"hello\"[::-1] }} {{ items[5:] }}", "[2, 3] [1, 2] [3, 2, 1] [1, 3] el olleh []")]
        [InlineData("Access", "{{ user.items() | list }} {{ user.keys() | list }} {{ user.values() | list }} {{ user.get(\"name\") }} {{ user.get(\"x\", \"dflt\") }} {{ user.get(\"x\") }}", "[('name', 'Ann'), ('age', 30)] ['name', 'age'] ['Ann', 30] Ann dflt None")]
        [InlineData("Access", "{{ msgs | length }} {{ \"tool_calls\" in msgs[0] }} {{ \"role\" in msgs[0] }}", "2 False True")]
        [InlineData("StringMethods", "[{{ text.strip() }}] [{{ text.lstrip() }}] [{{ text.rstrip() }}] [{{ \"xxhixx\".strip(\"x\") }}]", "[Hello World] [Hello World  ] [  Hello World] [hi]")]
        [InlineData("StringMethods", "{{ \"a,b,,c\".split(\",\") }} {{ \" a  b \".split() }} {{ \"a b c\".split(\" \", 1) }} {{ \"a</think>b\".split(\"</think>\")[-1] }}", "['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b c'] b")]
        [InlineData("StringMethods", "{{ \"Hello\".startswith(\"He\") }} {{ \"Hello\".endswith(\"lo\") }} {{ \"Hello\".startswith((\"x\", \"H\")) }}", "True True True")]
        [InlineData("StringMethods", "{{ \"Hi There\".upper() }} {{ \"Hi There\".lower() }} {{ \"hi there-you 2x\".title() }} {{ \"hELLO\".capitalize() }}", "HI THERE hi there Hi There-You 2X Hello")]
        [InlineData("StringMethods", "{{ \"a-b-c\".replace(\"-\", \"+\") }} {{ \"a-b-c\".replace(\"-\", \"+\", 1) }} {{ \"hello\".find(\"l\") }} {{ \"hello\".count(\"l\") }} {{ \", \".join([\"a\", \"b\"]) }}", "a+b+c a+b-c 2 2 a, b")]
        [InlineData("Tests", "{{ x is defined }} {{ x is undefined }} {{ none is none }} {{ 1 is none }} {{ \"s\" is string }} {{ 1 is string }}", "False True True False True False")]
        [InlineData("Tests", "{{ {} is mapping }} {{ [] is mapping }} {{ [] is iterable }} {{ \"s\" is iterable }} {{ 1 is iterable }} {{ x is iterable }}", "True False True True False True")]
        [InlineData("Tests", "{{ 1 is number }} {{ 1.5 is number }} {{ \"1\" is number }} {{ 1 is integer }} {{ 1.0 is integer }} {{ 1.0 is float }} {{ true is boolean }} {{ 1 is boolean }}", "True True False True False True True False")]
        [InlineData("Tests", "{{ true is true }} {{ 1 is true }} {{ false is false }} {{ [] is sequence }} {{ \"a\" is sequence }} {{ 1 is sequence }}", "True False True True True False")]
        [InlineData("Tests", "{{ 4 is even }} {{ 3 is odd }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }} {{ \"a\" is equalto \"a\" }} {{ 1 is eq 2 }} {{ 2 is gt 1 }} {{ 1 is lt 2 }} {{ 1 is ne 1 }}", "True True True False True False True True False")]
        [InlineData("Tests", "{{ 1 is not none }} {{ x is not defined }} {{ \"abc\" is lower }} {{ \"ABC\" is upper }} {{ 2 is in [1, 2] }} {{ range is callable }}", "True True True True True True")]
        [InlineData("Filters", "[{{ text | trim }}] [{{ \"xxhixx\" | trim(\"x\") }}] {{ \"Hello\" | lower }} {{ \"Hello\" | upper }} {{ \"hELLO wORLD\" | capitalize }} {{ \"hello wORLD-foo (bar\" | title }}", "[Hello World] [hi] hello HELLO Hello world Hello World-Foo (Bar")]
        [InlineData("Filters", "{{ items | length }} {{ \"h\u00e9llo\" | length }} {{ user | count }} {{ x | length }} {{ items | join(\"-\") }} {{ items | join }} {{ msgs | join(\", \", attribute=\"role\") }}", "3 5 2 0 1-2-3 123 user, assistant")]
        [InlineData("Filters", "{{ \"a-b\" | replace(\"-\", \"+\") }} {{ 3 | string }} {{ \"3\" | int + 1 }} {{ \"3.7\" | int }} {{ \"x\" | int }} {{ \"x\" | int(5) }} {{ 2.9 | int }} {{ \"2.5\" | float }} {{ 3 | float }} {{ \"x\" | float }}", "a+b 3 4 3 0 5 2 2.5 3.0 0.0")]
        [InlineData("Filters", "{{ items | first }} {{ items | last }} {{ \"abc\" | first }} [{{ [] | first }}] {{ \"abc\" | list }} {{ user | list }} {{ user | items | list }}", "1 3 a [] ['a', 'b', 'c'] ['name', 'age'] [('name', 'Ann'), ('age', 30)]")]
        [InlineData("Filters", "{{ x | default(\"d\") }} {{ none | default(\"d\") }} {{ \"\" | default(\"d\") }} {{ \"\" | default(\"d\", true) }} {{ x | d(\"dd\") }} {{ 0 | default(5, boolean=true) }}", "d None  d dd 5")]
        [InlineData("Filters", "{{ msgs | selectattr(\"role\", \"equalto\", \"user\") | list }} {{ msgs | rejectattr(\"role\", \"equalto\", \"user\") | map(attribute=\"content\") | list }}", "[{'role': 'user', 'content': 'hi'}] ['yo']")]
        [InlineData("Filters", "{{ [1, 2, 3, 4] | select(\"even\") | list }} {{ [1, 2, 3, 4] | reject(\"even\") | list }} {{ [0, 1, \"\", \"a\"] | select | list }} {{ [1, 5, 9] | select(\">\", 3) | list }}", "[2, 4] [1, 3] [1, 'a'] [5, 9]")]
        [InlineData("Filters", "{{ [\"a\", \"B\"] | map(\"upper\") | list }} {{ msgs | map(attribute=\"role\") | join(\",\") }} {{ [{\"a\": 1}, {}] | map(attribute=\"a\", default=0) | list }}", "['A', 'B'] user,assistant [1, 0]")]
        [InlineData("Filters", "{{ [3, 1, 2] | sort }} {{ [\"b\", \"A\", \"c\"] | sort }} {{ [\"b\", \"A\", \"c\"] | sort(case_sensitive=true) }} {{ [3, 1, 2] | sort(reverse=true) }} {{ msgs | sort(attribute=\"role\") | map(attribute=\"role\") | list }}", "[1, 2, 3] ['A', 'b', 'c'] ['A', 'b', 'c'] [3, 2, 1] ['assistant', 'user']")]
        [InlineData("Filters", "{{ [1, 2, 1, 3] | unique | list }} {{ [\"a\", \"A\", \"b\"] | unique | list }} {{ [1, 2, 3] | reverse | list }} {{ \"abc\" | reverse }}", "[1, 2, 3] ['a', 'b'] [3, 2, 1] cba")]
        [InlineData("Filters", "{{ -3 | abs }} {{ -2.5 | abs }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 2.567 | round(2) }} {{ 2.1 | round(0, \"ceil\") }} {{ 2.9 | round(0, \"floor\") }} {{ 3 | round }}", "3 2.5 2.0 4.0 2.57 3.0 2.0 3")]
        [InlineData("Filters", "{{ \"a\\nb\\n\\nc\" | indent }}|{{ \"a\\nb\" | indent(2, true) }}|{{ \"a\\n\\nb\" | indent(2, blank=true) }}|{{ \"one two  three\" | wordcount }}", "a\n    b\n\n    c|  a\n  b|a\n  \n  b|3")]
        [InlineData("Filters", "{{ \"<b>\" | safe }} {{ \"<a href='x'>&\" | e }} {{ {\"b\": 1, \"a\": 2} | dictsort }} {{ [1, 2, 3] | sum }} {{ [1, 5, 2] | max }} {{ [4, 2, 8] | min }}", "<b> &lt;a href=&#39;x&#39;&gt;&amp; [('a', 2), ('b', 1)] 6 5 2")]
        [InlineData("Filters", "{{ \"%s is %d years\" | format(\"Ann\", 30) }} {{ \"%.2f\" | format(3.14159) }} {{ user | attr(\"name\") }}", "Ann is 30 years 3.14 ")]
        [InlineData("ToJson", "{{ user | tojson }} {{ msgs | tojson }} {{ none | tojson }} {{ [true, false, 1.0, 2, \"\u00e9\\n\\\"\\\\\"] | tojson }}", "{\"name\": \"Ann\", \"age\": 30} [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"yo\"}] null [true, false, 1.0, 2, \"\u00e9\\n\\\"\\\\\"]")]
        [InlineData("ToJson", "{{ user | tojson(indent=2) }}", "{\n  \"name\": \"Ann\",\n  \"age\": 30\n}")]
        [InlineData("ToJson", "{{ {\"b\": [1, {\"c\": []}], \"a\": {}} | tojson(indent=4) }}", "{\n    \"b\": [\n        1,\n        {\n            \"c\": []\n        }\n    ],\n    \"a\": {}\n}")]
        [InlineData("ToJson", "{{ {\"b\": 1, \"a\": 2} | tojson(sort_keys=true) }} {{ \"\u00e9\" | tojson(ensure_ascii=true) }} {{ {\"a\": [1, 2]} | tojson(separators=(\",\", \":\")) }}", "{\"a\": 2, \"b\": 1} \"\\u00e9\" {\"a\":[1,2]}")]
        [InlineData("ToJson", "{{ \"<tag> & '\" | tojson }} {{ 1e20 | tojson }} {{ {1: \"int key\"} | tojson }}", "\"<tag> & '\" 1e+20 {\"1\": \"int key\"}")]
        [InlineData("Loops", "{% for i in items %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }};{% endfor %}", "1/0/3/2/True/False/3;2/1/2/1/False/False/3;3/2/1/0/False/True/3;")]
        [InlineData("Loops", "{% for i in items %}[{{ loop.previtem }}|{{ loop.nextitem }}]{% endfor %} {% for i in items %}{{ loop.cycle(\"a\", \"b\") }}{% endfor %}", "[|2][1|3][2|] aba")]
        [InlineData("Loops", "{% for i in [] %}x{% else %}empty{% endfor %} {% for i in x %}x{% else %}undefined is empty{% endfor %}", "empty undefined is empty")]
        [InlineData("Loops", "{% for k, v in user.items() %}{{ k }}={{ v }};{% endfor %} {% for k, v in user | items %}{{ k }}:{{ v }},{% endfor %} {% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %}", "name=Ann;age=30; name:Ann,age:30, 37")]
        [InlineData("Loops", "{% for i in range(10) if i is odd %}{{ i }}{{ \",\" if not loop.last }}{% endfor %} {% for i in range(5) if i > 1 %}{{ loop.index }}/{{ loop.length }} {% endfor %}", "1,3,5,7,9 1/3 2/3 3/3 ")]
        [InlineData("Loops", "{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}", "0134")]
        [InlineData("Loops", "{% for row in [[1, 2], [3]] %}{% for c in row %}{{ loop.index }}.{% endfor %}|{{ loop.index }} {% endfor %}", "1.2.|1 1.|2 ")]
        [InlineData("Loops", "{% for c in \"abc\" %}{{ c }}-{% endfor %} {% for k in user %}{{ k }} {% endfor %}{{ range(3) | list }} {{ range(1, 10, 3) | list }} {{ range(5, 0, -2) | list }}", "a-b-c- name age [0, 1, 2] [1, 4, 7] [5, 3, 1]")]
        [InlineData("Loops", "{% set x = 5 %}{% for i in [1, 2] %}[{{ x }}]{% set x = i %}{% endfor %}{{ x }}", "[5][5]5")]
        [InlineData("SetAndNamespace", "{% set a = 1 %}{% set b, c = 2, 3 %}{{ a }}{{ b }}{{ c }}{% set t = 1, 2 %} {{ t }}", "123 (1, 2)")]
        [InlineData("SetAndNamespace", "{% set ns = namespace(count=0, found=false) %}{% for i in items %}{% set ns.count = ns.count + i %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.count }} {{ ns.found }}", "6 True")]
        [InlineData("SetAndNamespace", "{% set ns = namespace() %}{% set ns.items = [] %}{% set ns.items = ns.items + [1] %}{{ ns.items }} {{ ns.missing is defined }}", "[1] False")]
        [InlineData("SetAndNamespace", "{% set block %}Hello {{ name }}!{% endset %}[{{ block }}]{% set up | upper %}shout {{ name }}{% endset %} {{ up }}", "[Hello World!] SHOUT WORLD")]
        [InlineData("SetAndNamespace", "{% set d = dict(a=1, b=\"x\") %}{{ d }} {{ d.a }}", "{'a': 1, 'b': 'x'} 1")]
        [InlineData("Macros", "{% macro greet(who, punct=\"!\") %}Hi {{ who }}{{ punct }}{% endmacro %}{{ greet(\"Ann\") }} {{ greet(\"Bob\", \"?\") }} {{ greet(punct=\".\", who=\"Cy\") }}", "Hi Ann! Hi Bob? Hi Cy.")]
        [InlineData("Macros", "{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1) | int }}{% endif %}{% endmacro %}{{ fact(5) }}", "120")]
        [InlineData("Macros", "{% macro show(x) %}[{{ x }}|{{ name }}]{% endmacro %}{{ show() }} {{ show(1) }}", "[|World] [1|World]")]
        [InlineData("Macros", "{% macro f() %}{{ 1 }}{% endmacro %}{{ f() ~ f() }} {{ f() | length }}", "11 1")]
        [InlineData("Whitespace", "{% if true %}\n  yes\n{% endif %}\nend", "  yes\nend")]
        [InlineData("Whitespace", "  {% if true %}\n  indented\n  {% endif %}\nafter", "  indented\nafter")]
        [InlineData("Whitespace", "a  {%- if true -%}  b  {%- endif -%}  c", "abc")]
        [InlineData("Whitespace", "a {{- \" b \" -}} c {{ \"d\" }} e", "a b c d e")]
        [InlineData("Whitespace", "{# comment #}\nx{#- trimmed -#}  y\n  {# indented comment #}\nz", "xy\nz")]
        [InlineData("Whitespace", "{%+ if true %}\nplus{% endif +%}\nkept", "plus\nkept")]
        [InlineData("Whitespace", "{% raw %}{{ not parsed }} {% if %}{% endraw %}!", "{{ not parsed }} {% if %}!")]
        [InlineData("Whitespace", "line1\n{% for i in items %}\n  - {{ i }}\n{% endfor %}\ndone\n", "line1\n  - 1\n  - 2\n  - 3\ndone")]
        [InlineData("Whitespace", "{% for i in items -%}\n{{ i }}\n{%- endfor %}", "123")]
        [InlineData("Whitespace", "{% filter upper %}hello {{ name }}{% endfilter %}", "HELLO WORLD")]
        [InlineData("Globals", "{{ strftime_now(\"%d %b %Y\") }} {{ strftime_now(\"%Y-%m-%d %H:%M:%S %A %B %j %I%p %y\") }} {{ strftime_now(\"%-d/%-m\") }}", "26 Jul 2024 2024-07-26 00:00:00 Friday July 208 12AM 24 26/7")]
        [InlineData("Globals", "{{ namespace(a=1).a }} {{ range(3) | length }}", "1 3")]
    [InlineData("Filters", "{{ [{\"a\": 1}, {}] | map(attribute=\"a\") | list }}", "[1, Undefined]")]
    [InlineData("Arithmetic", "{{ \"%s=%d\" % (\"a\", 3) }} {{ \"<%s>\" % name }} {{ \"%05.1f|%-4s|%%\" % (3.14159, \"x\") }}", "a=3 <World> 003.1|x   |%")]
    public void Renders_like_jinja2(string group, string template, string expected)
    {
        Assert.False(string.IsNullOrEmpty(group));
        Assert.Equal(expected, JinjaTemplate.Parse(template, Options).Render(Variables()));
    }
}
