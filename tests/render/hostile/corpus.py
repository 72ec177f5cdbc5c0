"""The adversarial doc-page corpus: every case is a page (or a small bundle) a scrape could
deliver, written to break the generator.

Each `Case` builds its source text from `PageSpec`s for a given payload directory `P`: the
payloads try to create a file under `P` (`open(...)`, `os.system('touch ...')`) or to end the
process (`os._exit(7)`, `raise SystemExit`), from every text position a page has: title,
description, field names and descriptions, enum values, defaults, type names and examples.
The test checks the file never appears and the checking subprocess exits 0.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from dataclasses import dataclass

from generator.python.identifiers import BINDING_PARAMETERS, GENERATED_MODULE_NAMES, PYDANTIC_ATTRIBUTES
from tests.render.hostile.pages import Field, PageSpec, bundle_page, nbsp_page


@dataclass
class Case:
    name: str
    pages: Callable[[str], list[PageSpec]]
    """Payload directory -> the pages of the case."""
    layout: str = "nbsp"
    """"nbsp" (single-page scrape) or "bundle"; several pages go into one file."""
    expect_ids: list[str] | None = None
    """Endpoint ids the package must have (default: each page's `endpoint_id`)."""

    def text(self, payload_dir: str) -> str:
        render = nbsp_page if self.layout == "nbsp" else bundle_page
        return "\n".join(render(page) for page in self.pages(payload_dir))


def code_payloads(P: str) -> list[str]:
    """Text that would run if it were ever pasted into source or a template."""
    return [
        f'"""; open("{P}/dq3", "w") #',
        f"'''; open('{P}/sq3', 'w') #",
        f'"; open("{P}/dq", "w") #',
        f"'; open('{P}/sq', 'w') #",
        f"__import__('os').system('touch {P}/system')",
        f'\\"""+__import__("os").system("touch {P}/bs")+"""',
        f"{{{{ cycler.__init__.__globals__.os.system('touch {P}/jinja') }}}}",
        "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
        f"f\"{{__import__('os').system('touch {P}/fstring')}}\"",
        f"\\\\\"\"\"; open('{P}/bs2', 'w'); \"\"\"",
        f")]}}; open('{P}/close', 'w') #",
    ]


EXITS = [
    "os._exit(7)",
    "raise SystemExit(7)",
    "import sys; sys.exit(7)",
    "__import__('os')._exit(7)",
    "exit(7)",
    "quit()",
]


def enum_safe(text: str) -> str:
    """An enum value cannot hold the `,` that separates values on the page."""
    return text.replace(",", ";")


# -- cases ---------------------------------------------------------------------------------


def payloads_everywhere(P: str) -> list[PageSpec]:
    pay = code_payloads(P)
    inputs = [Field("prompt", "string", f"The prompt. {pay[0]}", required=True)]
    inputs += [Field(f"text_{i}", "string", text) for i, text in enumerate(pay)]
    inputs += [Field(f"default_{i}", "string", "A default.", default=text, expected_default=text) for i, text in enumerate(pay[1:5])]
    inputs.append(Field("mode", "ModeEnum", pay[4], enum=[enum_safe(t) for t in pay], default=enum_safe(pay[2]), expected_default=enum_safe(pay[2])))
    # Names: anything can stand before the non-breaking space.
    inputs += [Field(text, "integer", f"named {i}") for i, text in enumerate(pay)]
    inputs.append(Field("nested", "Payload", pay[1]))
    example_input = {"prompt": pay[0], "text_0": pay[5], pay[3]: 3, "mode": enum_safe(pay[6])}
    return [
        PageSpec(
            endpoint_id="hostile/payloads",
            title=f"Payload Title {pay[1]}",
            description=f"Description {pay[0]} {pay[4]}",
            about=pay[6],
            inputs=inputs,
            outputs=[Field("images", "list<Payload>", pay[0], required=True), Field(pay[0], "string", pay[2], required=True)],
            types={"Payload": [Field("url", "string", pay[4], required=True), Field(pay[3], "string", pay[5])]},
            example_input=example_input,
            example_output={"images": [{"url": pay[4], pay[3]: pay[2]}], pay[0]: pay[1]},
        )
    ]


def bundle_payloads(P: str) -> list[PageSpec]:
    pay = code_payloads(P)
    inputs = [Field("prompt", "string", f"The prompt. {pay[0]}")]
    inputs += [Field(f"text_{i}", "string", text) for i, text in enumerate(pay)]
    inputs += [Field(f"default_{i}", "string", "A default.", default=text, expected_default=text) for i, text in enumerate(pay[1:5])]
    inputs.append(Field("mode", "ModeEnum", pay[4], enum=[enum_safe(t) for t in pay], default=enum_safe(pay[2])))
    first = PageSpec(
        endpoint_id="hostile/bundle-one",
        title=f"Bundle Title {pay[1]}",
        description=f"Description {pay[0]}",
        inputs=inputs,
        outputs=[Field("images", "list<Payload>", pay[0]), Field("seed", "integer", pay[2])],
        types={"Payload": [Field("url", "string", pay[4]), Field("file_name", "string", pay[5])]},
        example_input={"prompt": pay[0], "text_1": pay[7]},
        example_output={"images": [{"url": pay[4]}], "seed": 1},
    )
    second = PageSpec(
        endpoint_id="hostile/bundle-two",
        title="Second Page",
        description=f"Exits {EXITS[0]} {EXITS[1]}",
        inputs=[Field(f"exit_{i}", "string", text) for i, text in enumerate(EXITS)],
        outputs=[Field("result", "string", EXITS[2])],
        example_input={"exit_0": EXITS[0]},
        example_output={"result": EXITS[1]},
    )
    return [first, second]


def backslashes(P: str) -> list[PageSpec]:
    texts = [
        "trailing backslash \\",
        "two trailing \\\\",
        "C:\\new\\table\\x41\\u0041\\N{BULLET}",
        'escaped quote \\" and \\"""',
        "\\",
        "\\\\\\",
        '\\"',
        "\\'''",
    ]
    inputs = [Field(f"b_{i}", "string", text) for i, text in enumerate(texts)]
    inputs.append(Field("path", "string", "A path.", default='"C:\\\\dir\\\\"', expected_default="C:\\dir\\"))
    inputs.append(Field("raw_path", "string", "Unquoted.", default="C:\\dir\\", expected_default="C:\\dir\\"))
    inputs.append(Field("choice", "SlashEnum", "Backslash values.", enum=["back\\slash", "\\", "a\\\"b", "end\\"]))
    inputs.append(Field("back\\slash", "string", "A name with a backslash."))
    return [
        PageSpec(
            endpoint_id="hostile/backslashes",
            title="Backslash \\ Title \\",
            description="Ends with a backslash \\",
            inputs=inputs,
            outputs=[Field("out\\", "string", "\\")],
            example_input={"b_0": "\\", "choice": "end\\", "back\\slash": "\\\\"},
            example_output={"out\\": "\\"},
        )
    ]


def templates(P: str) -> list[PageSpec]:
    texts = [
        "{{ 7 * 7 }} at the start of a description",
        f"{{% if true %}}{{{{ lipsum.__globals__.os.system('touch {P}/tpl') }}}}{{% endif %}}",
        "{# a Jinja comment #} and {{ self }}",
        "{%- raw -%}{{ raw }}{%- endraw -%}",
        "${HOME} %(name)s {0} {__class__} %s",
        "{{",
        "}} closing braces first",
    ]
    inputs = [Field(f"t_{i}", "string", text) for i, text in enumerate(texts)]
    # A line of closing brackets alone reads as stray JSON (a warning says so).
    inputs.append(Field("t_brackets", "string", "}}", checked=False))
    inputs.append(Field("tpl", "TplEnum", "Template values.", enum=["{{ x }}", "{% if %}", "{#", "}}"], default="{{ x }}", expected_default="{{ x }}"))
    inputs.append(Field("{{name}}", "string", "{{ a name }}"))
    inputs.append(Field("fmt", "string", "Format default.", default="{0}{1}", expected_default="{0}{1}"))
    return [
        PageSpec(
            endpoint_id="hostile/templates",
            title="{{ Title }} {% block %}",
            description="{{ description }} {% endblock %}",
            inputs=inputs,
            outputs=[Field("out", "string", "{{ out }}")],
            types={},
            example_input={"t_0": "{{ 7 * 7 }}", "tpl": "{% if %}", "{{name}}": "{{ v }}"},
            example_output={"out": "{% x %}"},
        )
    ]


def control_characters(P: str) -> list[PageSpec]:
    texts = [
        "nul \x00 in the middle",
        "bell \x07 escape \x1b[31m red \x1b[0m",
        "vertical \x0b tab and form \x0c feed",
        "delete \x7f char",
        "next line \x85 and line separator \u2028 and paragraph \u2029 inside",
        "byte order mark \ufeff inside, zero width \u200b\u200c\u200d joiners",
        "a tab \t inside",
        "\x01\x02\x03 leading controls",
    ]
    inputs = [Field(f"c_{i}", "string", text) for i, text in enumerate(texts)]
    inputs.append(Field("ctl", "CtlEnum", "Values with controls.", enum=["a\x00b", "bell\x07", "sep\u2028x"], expected_enum=["ab", "bell", "sep\u2028x"]))
    inputs.append(Field("nul\x00name", "string", "A name with a NUL.", checked=False))
    inputs.append(Field("nulname", "string", "The same name once the NUL is dropped."))
    return [
        PageSpec(
            endpoint_id="hostile/control",
            title="Control \x07 Title",
            description="Description with \x00 NUL and \x1b escape",
            inputs=inputs,
            outputs=[Field("out", "string", "\x00\x07")],
            example_input={"c_0": "nul \u0000 in a value", "ctl": "ab"},
            example_output={"out": "\u0007"},
        )
    ]


def long_text(P: str) -> list[PageSpec]:
    words = ['quote " and', "triple \"\"\" q", "back \\ slash", "{{ brace }}", "é 名前 🚀", "os._exit(7)", "word"]
    long = " ".join(words[i % len(words)] for i in range(7200))[:50_000]
    assert len(long) == 50_000
    long_value = ("v" * 9_999) + "w"
    inputs = [
        Field("huge", "string", long),
        Field("n" * 300, "string", "A 300-character name."),
        Field("big_enum", "BigEnum", "A 10k-character enum value.", enum=[long_value, "small"]),
        Field("big_default", "string", "A 5k default.", default="d" * 5000, expected_default="d" * 5000),
    ]
    inputs += [Field(f"f_{i}", "integer", f"Field number {i}.") for i in range(300)]
    return [
        PageSpec(
            endpoint_id="hostile/long-text",
            title="Long Text Page",
            description=long,
            inputs=inputs,
            outputs=[Field("out", "string", long)],
            example_input={"huge": long, "big_enum": long_value},
            example_output={"out": long},
        )
    ]


def unicode_text(P: str) -> list[PageSpec]:
    texts = [
        "right-to-left override \u202e gnirts desrever \u202c and isolate \u2067x\u2069",
        "עברית ועוד العربية",
        "emoji 🚀 family 👩\u200d👩\u200d👧 flag 🇯🇵 skin 👍🏽",
        "CJK 名前 漢字 かな 한국어 全角ＡＢＣ",
        "combining e\u0301 a\u0308 Z\u0351\u0352\u0353 and precomposed é ä",
        "math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and ﬁ ligature",
    ]
    inputs = [Field(f"u_{i}", "string", text) for i, text in enumerate(texts)]
    inputs += [
        Field("名前", "string", "A CJK name."),
        Field("größe", "integer", "A German name."),
        Field("e\u0301t\u00e9", "string", "Decomposed e."),
        Field("\u00e9t\u00e9", "string", "Precomposed e (same attribute once transliterated)."),
        Field("🚀", "boolean", "An emoji name."),
        Field("\u202ename", "string", "A name with a bidi override."),
        Field("lang", "LangEnum", "Unicode values.", enum=["日本語", "العربية", "e\u0301", "é", "🚀"]),
    ]
    return [
        PageSpec(
            endpoint_id="hostile/unicode",
            title="Ünïcödé 名前 Title 🚀",
            description="Description \u202e with RTL override and עברית and 👩\u200d👩\u200d👧",
            inputs=inputs,
            outputs=[Field("テキスト", "string", "Katakana output name.")],
            example_input={"名前": "値", "🚀": True, "lang": "🚀", "e\u0301t\u00e9": "x", "\u00e9t\u00e9": "y"},
            example_output={"テキスト": "出力"},
        )
    ]


RESERVED = sorted(
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {"id", "list", "str", "int", "type", "input", "format", "print", "object", "super", "property", "len", "open", "exec", "eval", "compile", "__import__"}
    | PYDANTIC_ATTRIBUTES
    | GENERATED_MODULE_NAMES
    | BINDING_PARAMETERS
    | {"__class__", "__init__", "__dict__", "__dunder__", "_private", "__", "_", "__fields__", "__slots__", "model_fields_set"}
)


def reserved_names(P: str) -> list[PageSpec]:
    inputs = [Field(name, "string", f"Wire name {name}.") for name in RESERVED]
    inputs.append(Field("choice", "class", "A type named like a keyword is not readable.", checked=False))
    return [
        PageSpec(
            endpoint_id="hostile/reserved",
            title="Reserved Names",
            description="Every keyword, builtin and pydantic attribute as a field.",
            inputs=inputs,
            outputs=[Field(name, "integer", f"Out {name}.") for name in RESERVED],
            types={},
            example_input={name: f"value {name}" for name in RESERVED[:40]},
            example_output={name: 1 for name in RESERVED},
        )
    ]


def name_shapes(P: str) -> list[PageSpec]:
    names = [
        "prompt", "Prompt", "PROMPT", "image_url", "image-url", "image.url", "image url", "image__url",
        "2x", "30d_active", "0", "-", ".", "a..b", "class", "class_", "class_2", "field", "field_2",
        "modifiedAt:desc", "with/slash", "x[0]", "a=b", "q?", "",
    ]
    inputs = [Field(name, "string", f"Shape {i}.") for i, name in enumerate(names)]
    # The same name twice: the later one wins (and a warning says so).
    inputs.append(Field("dup", "string", "First dup.", checked=False))
    inputs.append(Field("dup", "integer", "Second dup wins."))
    return [
        PageSpec(
            endpoint_id="hostile/name-shapes",
            title="Name Shapes",
            description="Names that differ only in case or punctuation.",
            inputs=inputs,
            outputs=[Field("Out", "string", "Upper."), Field("out", "string", "Lower."), Field("OUT", "integer", "Caps.")],
            example_input={name: f"v{i}" for i, name in enumerate(names)} | {"dup": 2},
            example_output={"Out": "a", "out": "b", "OUT": 3},
        )
    ]


def enum_values(P: str) -> list[PageSpec]:
    inputs = [
        Field("quotes", "QuoteEnum", "Quotes.", enum=["it's", 'say "hi"', '"quoted"', "'single'", '"""', "'''"]),
        Field("spaces", "SpaceEnum", "Spaces.", enum=["two words", " padded ", "tab\there"], expected_enum=["two words", "padded", "tab\there"]),
        Field("slashes", "SlashEnum", "Slashes.", enum=["a\\b", "\\", "\\\\", "/", "a/b"]),
        Field("braces", "BraceEnum", "Braces.", enum=["{{", "}}", "{{ x }}", "{%", "{}", "{0}"]),
        Field("empty", "GapEnum", "Empty values are dropped.", enum=["a", "", " ", "b"], expected_enum=["a", "b"]),
        Field("dupes", "DupEnum", "Repeated values.", enum=["a", "a", "b"], checked=False),
        Field("numbers", "NumEnum", "Numbers.", enum=["1", "2.5", "-3"], default="1", expected_enum=[1, 2.5, -3], expected_default=1),
        Field("numeric_strings", "NumStrEnum", "Quoted default: strings.", enum=["1", "2"], default='"1"', expected_enum=["1", "2"], expected_default="1"),
        Field("json_words", "WordEnum", "JSON words as strings.", enum=["true", "false", "null", "NaN", "Infinity", "1e999"]),
        Field("default_not_in", "SizeEnum", "The default is not a value.", enum=["small", "big"], default="huge", expected_default=None),
        Field("colon", "RatioEnum", "Ratios.", enum=["1:1", "16:9", "4:3"], default='"16:9"', expected_default="16:9"),
        Field("payload", "PayloadEnum", "Payload values.", enum=[enum_safe(t) for t in code_payloads(P)[:6]] + EXITS),
        Field("unicode", "UniEnum", "Unicode values.", enum=["é", "e\u0301", "名前", "🚀", "\u202e"], expected_enum=["é", "e\u0301", "名前", "🚀", "\u202e"]),
    ]
    return [
        PageSpec(
            endpoint_id="hostile/enum-values",
            title="Enum Values",
            description="Enum values that are hard to write as Python literals.",
            inputs=inputs,
            outputs=[Field("picked", "QuoteEnum", "Output enum.", enum=["it's", 'say "hi"'])],
            example_input={"quotes": 'say "hi"', "slashes": "\\", "braces": "{{ x }}", "numbers": 2.5, "colon": "4:3"},
            example_output={"picked": "it's"},
        )
    ]


def bad_defaults(P: str) -> list[PageSpec]:
    inputs = [
        Field("int_quoted", "integer", "A string default on an integer.", default='"abc"', expected_default=None),
        Field("int_word", "integer", "A word default.", default="abc", expected_default=None),
        Field("bool_word", "boolean", "Not a boolean.", default="yes please", expected_default=None),
        Field("float_inf", "float", "Overflows.", default="1e999", expected_default=None),
        Field("float_nan", "float", "Not a number.", default="NaN", expected_default=None),
        Field("float_neg_inf", "float", "Minus infinity.", default="-Infinity", expected_default=None),
        Field("int_huge", "integer", "More digits than Python converts.", default="1" + "0" * 5000, expected_default=None),
        Field("int_big", "integer", "Big but fine.", default="1" + "0" * 40, expected_default=10**40),
        Field("list_broken", "list<integer>", "Broken JSON.", default="[1, 2", expected_default=None),
        Field("string_object", "string", "An object on a string.", default='{"a": 1}', expected_default=None),
        Field("required_null", "string", "Required with a null default.", required=True, default="null", expected_default=None),
        Field("ranged", "integer", "Count (1-4).", default="9", expected_default=9),
        Field("enum_bad", "SizeEnum", "Not a value.", enum=["s", "m"], default='"xl"', expected_default=None),
        Field("payload_default", "integer", "Payload default.", default=f"__import__('os').system('touch {P}/default')", expected_default=None),
        Field("exit_default", "string", "Exit default.", default="os._exit(7)", expected_default="os._exit(7)"),
        Field("range_inf", "float", "Value (1-" + "9" * 400 + ").", default="2", expected_default=2.0),
        Field("chars_huge", "string", "Cannot exceed " + "9" * 5000 + " characters."),
        Field("chars_big", "string", "Cannot exceed " + "9" * 30 + " characters."),
    ]
    return [
        PageSpec(
            endpoint_id="hostile/bad-defaults",
            title="Bad Defaults",
            description="Defaults that contradict their own types.",
            inputs=inputs,
            outputs=[Field("seed", "integer", "Seed.", default="abc", expected_default=None)],
            example_input={"int_quoted": 3, "ranged": 2, "enum_bad": "m"},
        )
    ]


def odd_types(P: str) -> list[PageSpec]:
    inputs = [
        Field("grid", "list<list<Foo>>", "Nested lists."),
        Field("table", "dict<str, Bar>", "A map of Bar."),
        Field("deep", "dict<str, list<dict<str, Foo>>>", "Deep nesting."),
        Field("dotted", "Weird.Name", "A dotted type name is typed as any (warned)."),
        Field("dunder", "__dunder__", "A dunder type."),
        Field("tree", "Node", "A recursive type."),
        Field("ping", "Ping", "Mutually recursive."),
        Field("input_type", "Input", "A nested type named Input."),
        Field("field_type", "Field", "A nested type named Field."),
        Field("broken", "list<", "Unclosed list (typed as any)."),
        Field("double_bar", "A | | B", "Empty union member (typed as any)."),
        Field("generic", "Foo<Bar>", "Generic syntax (typed as any)."),
        Field("bare_enum", "Enum", "An enum without values."),
        Field("undefined", "Undefined", "A type nobody describes."),
        Field("union", "Foo | list<Foo> | null", "A union with null."),
        Field("maybe", "string | null", "Nullable string."),
        Field("any_value", "any", "Anything."),
        # Digit runs: isort/ruff order `type9` before `type10` (imports must follow).
        Field("t9", "Type9", "Type nine."),
        Field("t10", "Type10", "Type ten."),
        Field("c9", "Cyc9", "A cycle whose classes share one module."),
        Field("c10", "Cyc10", "The other end of the cycle."),
    ]
    types = {
        "Foo": [Field("value", "string", "Foo value.", required=True), Field("class", "integer", "A keyword field.")],
        "Bar": [Field("items", "list<Foo>", "Foos.")],
        "Weird.Name": [Field("v", "string", "Kept in the spec.")],
        "__dunder__": [Field("w", "integer", "Dunder field.")],
        "Node": [Field("name", "string", "Node name."), Field("children", "list<Node>", "Children.")],
        "Ping": [Field("pong", "Pong", "To Pong.")],
        "Pong": [Field("ping", "Ping", "Back to Ping.")],
        "Input": [Field("x", "integer", "Nested Input.")],
        "Field": [Field("y", "integer", "Nested Field.")],
        "Type9": [Field("n", "integer", "Nine.")],
        "Type10": [Field("n", "string", "Ten.")],
        "Cyc9": [Field("next", "Cyc10", "To ten.")],
        "Cyc10": [Field("back", "Cyc9", "To nine.")],
    }
    return [
        PageSpec(
            endpoint_id="hostile/odd-types",
            title="Odd Types",
            description="Type names and shapes that are hard to map.",
            inputs=inputs,
            outputs=[Field("nodes", "list<Node>", "Output nodes."), Field("foo", "Foo", "A Foo.")],
            types=types,
            example_input={"grid": [[{"value": "a", "class": 1}]], "tree": {"name": "r", "children": [{"name": "c"}]}},
            example_output={"nodes": [{"name": "n"}], "foo": {"value": "v"}},
        )
    ]


LONG_ID = "hostile/" + "very-long-segment-" * 20 + "end"


def endpoint_ids(P: str) -> list[PageSpec]:
    ids = [
        "hostile/model.v2.1/x",
        "hostile/snake_case/with_underscores",
        "0wner/1-2/3d-thing",
        LONG_ID,
        "hostile/" + "/".join(f"s{i}" for i in range(40)),
        "hostile/Model",
        "hostile/model",
        "hostile/a-b",
        "hostile/a_b",
        "hostile/a.b",
        "hostile__a/b",
        "hostile/a__b",
        "hostile/x",
        "hostile/x/y",
        "hostile/import/class/None",
        "hostile/__init__/types",
        "fal-ai/image-file",
        "fal-ai/input",
    ]
    pages = []
    for endpoint_id in ids:
        outputs = [Field("seed", "integer", "Seed.")]
        types: dict[str, list[Field]] = {}
        if endpoint_id == "fal-ai/image-file":  # the class name equals a nested type's
            outputs = [Field("image", "ImageFile", "The image.")]
            types = {"ImageFile": [Field("url", "string", "URL.")]}
        pages.append(
            PageSpec(
                endpoint_id=endpoint_id,
                title="Id Page",
                description=f"Page for {endpoint_id}.",
                inputs=[Field("prompt", "string", f"Prompt of {endpoint_id}.")],
                outputs=outputs,
                types=types,
                example_input={"prompt": endpoint_id},
            )
        )
    return pages


def id_from_code_sample(P: str) -> list[PageSpec]:
    odd = f"hostile/x y {{{{z}}}}; open({P}/id)"
    return [
        PageSpec(
            endpoint_id=odd,
            id_line=False,
            title="No Id Line",
            description="The id comes from the code sample and holds spaces and braces.",
            inputs=[Field("prompt", "string", "Prompt.", required=True)],
            outputs=[Field("seed", "integer", "Seed.", required=True)],
            example_input={"prompt": "p"},
        )
    ]


def exits_everywhere(P: str) -> list[PageSpec]:
    inputs = [Field(f"e_{i}", "string", text, default=text, expected_default=text) for i, text in enumerate(EXITS)]
    inputs += [Field(text, "boolean", f"Named {i}.") for i, text in enumerate(EXITS)]
    inputs.append(Field("how", "ExitEnum", EXITS[0], enum=EXITS))
    return [
        PageSpec(
            endpoint_id="hostile/exits",
            title="Exit Title raise SystemExit(7)",
            description="import os; os._exit(7)",
            about="raise SystemExit(7)",
            inputs=inputs,
            outputs=[Field("out", "Exit", EXITS[1])],
            types={"Exit": [Field("code", "string", EXITS[3]), Field(EXITS[2], "integer", EXITS[4])]},
            example_input={"e_0": EXITS[0], "how": EXITS[1], EXITS[2]: True},
            example_output={"out": {"code": EXITS[0]}},
        )
    ]


def broken_structure(P: str) -> list[PageSpec]:
    pay = code_payloads(P)
    return [
        PageSpec(
            endpoint_id="hostile/broken",
            title="Broken Page",
            description=f"Examples and sections gone wrong {pay[0]}",
            # The bundle layout cannot carry an empty name: its line reads as prose, which
            # continues the description above it (an info diagnostic says so).
            inputs=[
                Field("prompt", "string", "Prompt.", required=True, checked=False),
                Field("", "string", f"A field line with no name {pay[1]}", checked=False),
                Field("count", "integer", "Count."),
            ],
            outputs=[],
            raw_input_example='{\n  "prompt": "' + pay[3].replace('"', "'") + '",\n  "count": NaN,\n  "extra": 1e999\n',
            check_examples=False,
        ),
        PageSpec(
            endpoint_id="hostile/broken-two",
            title="Broken Two",
            description="An example that disagrees with its schema.",
            inputs=[Field("n", "integer", "N.", required=True)],
            outputs=[Field("out", "string", "Out.")],
            example_input={"n": "not a number", "unknown": pay[4]},
            example_output={"out": 5},
            check_examples=False,
        ),
    ]


CASES: list[Case] = [
    Case("payloads-nbsp", payloads_everywhere),
    Case("payloads-bundle", bundle_payloads, layout="bundle"),
    Case("backslashes", backslashes),
    Case("templates", templates),
    Case("control-characters", control_characters),
    Case("long-text", long_text),
    Case("unicode", unicode_text),
    Case("reserved-names", reserved_names),
    Case("name-shapes", name_shapes),
    Case("enum-values", enum_values),
    Case("bad-defaults", bad_defaults),
    Case("odd-types", odd_types),
    Case("endpoint-ids", endpoint_ids, layout="bundle"),
    Case("id-from-code-sample", id_from_code_sample),
    Case("exits", exits_everywhere),
    Case("broken-structure", broken_structure, layout="bundle"),
]
