"""The one path by which doc text becomes Python source: literals, docstrings, layout.

Every string that reaches generated code passes through `py_string` or `docstring`; nothing
from the docs is ever pasted into source or rendered as a template. The layout helpers emit
what black would (quotes, call wrapping, docstring indentation), so black, which still runs
over every file, has little left to do: it costs ~35 ms on a module already in its style
against ~200 ms when it must search for line splits.
"""

from __future__ import annotations

import math
import re
from typing import Any

LINE_LENGTH = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def width(text: str) -> int:
    """Display width as black measures lines (East Asian wide characters count twice)."""
    if text.isascii():
        return len(text)  # black's own fast path; spares importing black
    from black.strings import str_width  # lazy: black's import costs ~180 ms

    return int(str_width(text))


# A line black cannot shorten: a lone string literal, maybe a keyword argument, maybe a comma.
_LONE_STRING = re.compile(r"""^\s*(?:[A-Za-z_]\w*=)?(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'),?$""")


def black_stable(source: str) -> bool:
    """Whether `source`, written by our templates, is already in black's layout.

    The templates emit black's layout for every construct they use (a test checks black
    changes nothing in the corpus, the hostile-name package and a synthetic catalogue). What
    they cannot promise is how black would treat a line that stays too long; those are fine
    only where black never splits either: docstring text and a lone string argument. Any other
    long line, a tab or a carriage return sends the file through black.
    """
    if "\t" in source or "\r" in source:
        return False
    in_docstring = False
    for line in source.split("\n"):
        quotes = line.count('"""')
        if width(line) > LINE_LENGTH and not (
            in_docstring or line.lstrip().startswith('"""') or _LONE_STRING.match(line)
        ):
            return False
        if quotes % 2:
            in_docstring = not in_docstring
    return True


def py_string(text: str) -> str:
    """A string literal for `text`: escaped by `repr`, double-quoted as black prefers.

    Black keeps single quotes only when double quotes would need more escapes.
    """
    literal = repr(text)
    if literal[0] == '"':
        return literal
    body = literal[1:-1]
    # In a single-quoted repr, a quote is escaped only as \' (after an even run of backslashes).
    unescaped_single = re.sub(r"(?<!\\)((?:\\\\)*)\\'", r"\1'", body)
    escaped_double = re.sub(r'(?<!\\)((?:\\\\)*)"', r'\1\\"', unescaped_single)
    if escaped_double.count('\\"') > body.count("\\'"):
        return literal
    return f'"{escaped_double}"'


def python_literal(value: Any) -> str:
    """Python source for a JSON value."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, str):
        return py_string(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({py_string(repr(value))})"  # `inf` and `nan` are not Python literals
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_string(str(k))}: {python_literal(v)}" for k, v in value.items()) + "}"
    return py_string(str(value))


def docstring(text: object, indent: str = "") -> str:
    """A triple-quoted docstring no doc text can close early or turn into an escape.

    Backslashes are doubled and `\"\"\"` escaped; a quote at either end gets a space (as black
    pads it); continuation lines are indented to the docstring's level and the closing quotes
    of a multi-line docstring stand on their own line.
    """
    lines = _docstring_lines(text)
    # A quote at either end would merge with the delimiters: pad it, as black does.
    if lines[0].startswith('"'):
        lines[0] = " " + lines[0]
    if lines[-1].endswith('"'):
        lines[-1] += " "
    return _triple_quoted(lines, indent)


def attribute_docstring(text: object, indent: str = "") -> str:
    """A field's description as the attribute docstring pydantic reads into the schema
    (`use_attribute_docstrings`): as `docstring`, but a quote at either end is escaped rather
    than padded, so the description keeps its exact text (black leaves attribute docstrings as
    they are)."""
    lines = _docstring_lines(text)
    if lines[0].startswith('"'):
        lines[0] = "\\" + lines[0]
    last = lines[-1]
    if last.endswith('"') and (len(last) - 1 - len(last[:-1].rstrip("\\"))) % 2 == 0:  # not already `\"`
        lines[-1] = last[:-1] + '\\"'
    return _triple_quoted(lines, indent)


def _docstring_lines(text: object) -> list[str]:
    """Doc text as docstring lines: control characters dropped, newlines normalized,
    backslashes doubled and `\"\"\"` escaped, trailing spaces stripped; never empty."""
    body = _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n")).strip()
    body = body.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if not body:
        body = "(no description)"
    return [line.rstrip() for line in body.split("\n")]


def _triple_quoted(lines: list[str], indent: str) -> str:
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    rest = [indent + line if line else "" for line in lines[1:]]
    return '"""' + "\n".join([lines[0], *rest]) + "\n" + indent + '"""'


def wrap(head: str, arguments: list[str], indent: str, brackets: str = "()", suffix: str = "", collection: bool = False) -> str:
    """`head(arg, ...)` laid out as black does.

    One line when it fits; else (calls and subscripts only) the arguments on one indented
    line between the brackets; else one argument per line with a trailing comma (a single
    call argument never gets one). A collection literal (`[...]`) that does not fit on one
    line always gets one item per line.
    """
    opening, closing = brackets[0], brackets[1]
    one_line = f"{indent}{head}{opening}{', '.join(arguments)}{closing}{suffix}"
    if width(one_line) <= LINE_LENGTH:
        return one_line
    inner = indent + "    "
    joined = ", ".join(arguments)
    if not collection and (len(arguments) == 1 or width(inner + joined) <= LINE_LENGTH):
        return f"{indent}{head}{opening}\n{inner}{joined}\n{indent}{closing}{suffix}"
    body = "\n".join(f"{inner}{argument}," for argument in arguments)
    return f"{indent}{head}{opening}\n{body}\n{indent}{closing}{suffix}"
