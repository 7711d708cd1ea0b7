#!/usr/bin/env python3
"""Generates none_matrix.json: how Jinja2 3.1, configured as Hugging Face transformers configures it for chat
templates, applies every filter and test the project's engine implements (and the Jinja2 constructs templates lean
on) to none, to the three kinds of undefined, and to ordinary values.

Run from anywhere with jinja2 3.1.x installed:  python3 generate_none_matrix.py
The JSON is written beside this script; NoneMatrixTests renders each case with the project's engine and requires
the same output, or an error where Jinja2 raised.

The environment copies transformers' _compile_jinja_template (src/transformers/utils/chat_template_utils.py):
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols]), a tojson filter
over json.dumps with ensure_ascii=False, and the raise_exception and strftime_now globals. Undefined is Jinja2's
default Undefined (not StrictUndefined), as there.
"""

import copy
import json
import os
import sys
import types
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def make_environment():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.now().strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


# The values every case sees. `missing` is never defined.
VARIABLES = {
    "nothing": None,
    "empty": [],
    "dicts": [
        {"type": "function", "name": "b", "n": 2},
        {"type": "code", "name": "a", "n": 1},
        {"type": "function", "name": "c", "n": 3},
    ],
    "text": "Hello World",
    "obj": {"a": 1},
    "number": 3,
}

# none (a variable, as templates meet it, and the literal, which Jinja2 may fold at compile time); plain undefined; undefined attribute of a defined value; attribute of undefined; ordinary values.
INPUTS = {
    "none": "nothing",
    "none_literal": "none",
    "undefined": "missing",
    "undefined_attribute": "obj.missing",
    "attribute_of_undefined": "missing.attr",
    "empty_list": "empty",
    "list_of_dicts": "dicts",
    "string": "text",
    "mapping": "obj",
    "integer": "number",
}

# Every filter of src/Runtime/Chat/Jinja/Filters.cs, CollectionFilters.cs and LayoutFilters.cs, with typical arguments.
# Jinja2 builtins the engine leaves out (chat templates do not use them): filesizeformat, groupby, pprint, random,
# striptags, urlencode, urlize, wordwrap, xmlattr.
FILTERS = {
    "abs": [""],
    "attr": ["('type')"],
    "batch": ["(2)", "(2, 'x')"],
    "capitalize": [""],
    "center": ["", "(15)"],
    "count": [""],
    "d": ["", "('x')"],
    "default": ["", "('x')", "('x', true)", "(none)", "(missing)"],
    "dictsort": [""],
    "e": [""],
    "escape": [""],
    "first": [""],
    "float": ["", "(1.5)"],
    "forceescape": [""],
    "format": ["", "('x')"],
    "indent": ["", "(2, true)"],
    "int": ["", "(7)"],
    "items": [""],
    "join": ["", "(', ')", "(', ', 'name')", "(none)"],
    "last": [""],
    "length": [""],
    "list": [""],
    "lower": [""],
    "map": ["('upper')", "(attribute='name')", "(attribute='name', default='z')", "(attribute='missing')"],
    "max": ["", "(attribute='n')"],
    "min": ["", "(attribute='n')"],
    "reject": ["", "('defined')", "('equalto', 'x')"],
    "rejectattr": ["('type')", "('type', 'equalto', 'function')", "('missing', 'none')"],
    "replace": ["('o', '0')", "('o', none)"],
    "reverse": [""],
    "round": ["", "(1, 'floor')"],
    "safe": [""],
    "select": ["", "('defined')", "('equalto', 'x')", "('none')"],
    "selectattr": ["('type')", "('type', 'equalto', 'function')", "('missing', 'undefined')", "('type', 'in', ['code'])"],
    "slice": ["(2)", "(2, 'x')"],
    "sort": ["", "(attribute='name')", "(reverse=true)"],
    "split": ["", "(',')"],  # not a Jinja2 filter: Jinja2 refuses the template
    "string": [""],
    "sum": ["", "(attribute='n')"],
    "title": [""],
    "tojson": ["", "(indent=2)"],
    "trim": [""],
    "truncate": ["", "(8)", "(8, true)", "(9, false, '..', 0)"],
    "unique": ["", "(attribute='type')"],
    "upper": [""],
    "wordcount": [""],
}

# Every test of src/Runtime/Chat/Jinja/Tests.cs, with typical arguments.
TESTS = {
    "defined": [""], "undefined": [""], "none": [""], "boolean": [""], "true": [""], "false": [""],
    "integer": [""], "float": [""], "number": [""], "string": [""], "mapping": [""], "sequence": [""],
    "iterable": [""], "callable": [""], "odd": [""], "even": [""], "divisibleby": ["(3)"],
    "lower": [""], "upper": [""], "sameas": ["(none)", "(false)"], "escaped": [""],
    "in": ["([none, 1])", "('Hello World')", "({'a': 1})"], "filter": [""], "test": [""],
    "eq": ["('x')", "(none)"], "equalto": ["('x')"], "==": ["(none)"], "ne": ["('x')", "(none)"], "!=": ["(none)"],
    "lt": ["(1)"], "lessthan": ["(1)"], "<": ["('a')"], "le": ["(1)"], "<=": ["(none)"],
    "gt": ["(1)"], "greaterthan": ["(1)"], ">": ["('a')"], "ge": ["(1)"], ">=": ["(none)"],
}

# The constructs around filters that chat templates use on the same values.
CONSTRUCTS = [
    "{{ X }}",
    "{% for x in X %}[{{ x }}]{% endfor %}",
    "{% for x in X %}[{{ x }}]{% else %}empty{% endfor %}",
    "{% if X %}yes{% else %}no{% endif %}",
    "{{ not X }}",
    "{{ X ~ '!' }}",
    "{{ X + 1 }}",
    "{{ X * 2 }}",
    "{{ X[0] }}",
    "{{ X.a }}",
    "{{ X['a'] }}",
    "{{ X.get('a') }}",
    "{{ X[1:] }}",
    "{{ 'a' in X }}",
    "{{ X == none }}",
    "{{ X != '' }}",
    "{{ X and 1 }}",
    "{{ X or 'fallback' }}",
    "{{ X if X else 'else' }}",
    "{{ X is not none and X }}",
    "{{ X | length > 0 }}",
    "{{ X | tojson }}",
    "{{ X.strip() }}",
    "{{ X() }}",
    "{% set y = X %}{{ y is defined }}",
    "{% set ns = namespace(v=X) %}{{ ns.v is none }}",
    "{{ [X] | tojson }}",
    "{{ {'k': X} | tojson }}",
    "{{ X | default(none) is none }}",
    "{{ (X or []) | selectattr('type', 'equalto', 'function') | list | length }}",
]


def is_lazy(value):
    return isinstance(value, (types.GeneratorType, map, filter)) or type(value).__name__ in ("dict_items", "dict_keys", "dict_values")


def unstable(result):
    return result["output"] is not None and ("<generator object" in result["output"] or " at 0x" in result["output"])


def render(env, source):
    try:
        template = env.from_string(source)
    except jinja2.exceptions.TemplateError as ex:
        return {"output": None, "error": type(ex).__name__}
    try:
        # A fresh copy each time: some filters mutate their input (indent extends a list by "\n").
        return {"output": template.render(**copy.deepcopy(VARIABLES)), "error": None}
    except Exception as ex:  # noqa: BLE001 - any exception is a refusal to record
        return {"output": None, "error": type(ex).__name__}


def lazy_filter(env, name, args):
    """Jinja2's select/map/... return generators, which print as '<generator object ...>': such cases add |list."""
    try:
        value = env.compile_expression(f"dicts | {name}{args}", undefined_to_none=False)(**copy.deepcopy(VARIABLES))
    except Exception:  # noqa: BLE001
        try:
            value = env.compile_expression(f"obj | {name}{args}", undefined_to_none=False)(**copy.deepcopy(VARIABLES))
        except Exception:  # noqa: BLE001
            return False
    return is_lazy(value)


def main():
    env = make_environment()
    cases = []

    def add(group, subject, input_name, source):
        result = render(env, source)
        if unstable(result) and source.endswith(" }}"):
            # An iterator object prints with its address (reverse of undefined): compare its items instead.
            source = source[:-3] + " | list }}"
            result = render(env, source)
        if unstable(result):
            raise SystemExit(f"unstable output for {source!r}: {result['output']!r}")
        cases.append({"group": group, "subject": subject, "input": input_name, "template": source, **result})

    for name, variants in FILTERS.items():
        for args in variants:
            suffix = " | list" if lazy_filter(env, name, args) else ""
            for input_name, expr in INPUTS.items():
                add("filter", f"{name}{args}", input_name, f"{{{{ {expr} | {name}{args}{suffix} }}}}")
    for name, variants in TESTS.items():
        for args in variants:
            for input_name, expr in INPUTS.items():
                if not name.isidentifier():
                    # Operator-named tests only work by name, in select and reject.
                    select_args = f"('{name}', {args[1:-1]})"
                    add("test", f"{name}{args}", input_name, f"{{{{ [{expr}] | select{select_args} | list | length }}}}")
                    add("test", f"not {name}{args}", input_name, f"{{{{ [{expr}] | reject{select_args} | list | length }}}}")
                    continue
                add("test", f"{name}{args}", input_name, f"{{{{ {expr} is {name}{args} }}}}")
                add("test", f"not {name}{args}", input_name, f"{{{{ {expr} is not {name}{args} }}}}")
    for construct in CONSTRUCTS:
        for input_name, expr in INPUTS.items():
            if input_name == "none_literal" and construct == "{{ X[1:] }}":
                # Jinja2's optimizer folds none[1:] through the lenient getitem into undefined at compile time, where
                # a variable holding none raises at run time: an artifact of constant folding, not a behaviour.
                continue
            add("construct", construct, input_name, construct.replace("X", expr))

    # An argument that is none or undefined, where the input is ordinary.
    for source in [
        "{{ dicts | selectattr('type', 'equalto', none) | list }}",
        "{{ dicts | selectattr('type', 'equalto', missing) | list }}",
        "{{ dicts | map(attribute=none) | list }}",
        "{{ text | replace(missing, 'x') }}",
        "{{ text | indent(none) }}",
        "{{ text | join(missing) }}",
        "{{ dicts | sort(attribute=missing) | map(attribute='name') | join }}",
        "{{ text | default(missing) }}",
        "{{ dicts | sum(attribute='missing') }}",
        "{{ dicts | map(attribute='missing') | select | list }}",
        "{{ dicts | map(attribute='missing') | list | length }}",
        "{{ dicts | tojson(indent=none) }}",
        "{{ text | tojson(indent=missing) }}",
        "{{ text | round(none) }}",
        "{{ text | int(none) }}",
        "{{ dicts | first | attr(none) }}",
        "{{ dicts | join(none) }}",
    ]:
        add("argument", source, "", source)

    about = (
        "Jinja2 " + jinja2.__version__ + " configured as Hugging Face transformers configures it for chat templates "
        "(ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, tojson with ensure_ascii false, "
        "raise_exception, strftime_now; default Undefined), applying filters, tests and constructs to none, "
        "undefined (missing), an undefined attribute (obj.missing), an attribute of undefined (missing.attr) and "
        "ordinary values. 'output' is the rendering, or null with 'error' the exception class Jinja2 raised. "
        "Generated by generate_none_matrix.py; do not edit by hand."
    )
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "none_matrix.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        # One case a line: small diffs when Jinja2 or the matrix changes.
        f.write('{\n "about": ' + json.dumps(about) + ',\n "variables": ' + json.dumps(VARIABLES, ensure_ascii=False) + ',\n "cases": [\n')
        f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n ]\n}\n")
    errors = sum(1 for c in cases if c["error"])
    print(f"{len(cases)} cases ({errors} errors) -> {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
