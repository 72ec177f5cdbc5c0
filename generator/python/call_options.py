"""The call options of the generated methods, as the runtime declares them.

`templates/package/fal_bindings/_runtime/options.py` declares each method's options once, as
`TypedDict`s (`RunOptions`, ...). falgen reads that file's syntax tree (it never imports the
generated package): the option names a field must not take, the name of the overloads'
`**options` parameter, and the `TypedDict` each generated method unpacks.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from generator.build.codehash import TEMPLATES_ROOT

OPTIONS_SOURCE = TEMPLATES_ROOT / "package" / "fal_bindings" / "_runtime" / "options.py"
METHODS = ("run", "submit", "subscribe", "stream")


class OptionsSourceError(Exception):
    """The runtime's options file does not declare what the generator needs (names where)."""


@dataclass(frozen=True)
class CallOptions:
    parameter: str
    """The `**` parameter of the generated overloads (`options`)."""
    by_method: dict[str, frozenset[str]]
    """Method -> its option names."""
    typed_dicts: dict[str, str]
    """Method -> the `TypedDict` its sync version unpacks (`RunOptions`); async: `Async` + it."""

    @property
    def names(self) -> frozenset[str]:
        return frozenset().union(*self.by_method.values())


@functools.lru_cache(maxsize=1)
def call_options(source: Path = OPTIONS_SOURCE) -> CallOptions:
    return read_call_options(source.read_text(encoding="utf-8"), str(source))


def read_call_options(text: str, where: str) -> CallOptions:
    """The options `text` (the runtime's options module) declares: each `TypedDict` class's
    keys, its bases' included."""
    tree = ast.parse(text, where)
    keys: dict[str, list[str]] = {}
    parameter: str | None = None
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            inherited = [key for base in node.bases if isinstance(base, ast.Name) for key in keys.get(base.id, [])]
            own = [item.target.id for item in node.body if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)]
            keys[node.name] = [*inherited, *own]
        elif (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "OPTIONS_PARAMETER" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            parameter = node.value.value
    typed_dicts = {method: f"{method.capitalize()}Options" for method in METHODS}
    missing = [name for method in METHODS for name in (typed_dicts[method], "Async" + typed_dicts[method]) if not keys.get(name)]
    if missing or parameter is None:
        what = ", ".join(missing) + (", OPTIONS_PARAMETER" if parameter is None else "")
        raise OptionsSourceError(f"{where}: does not declare {what.lstrip(', ')}")
    for method in METHODS:
        sync, async_ = set(keys[typed_dicts[method]]), set(keys["Async" + typed_dicts[method]])
        if sync != async_:
            raise OptionsSourceError(f"{where}: {typed_dicts[method]} and Async{typed_dicts[method]} differ in {sorted(sync ^ async_)}")
    return CallOptions(parameter, {m: frozenset(keys[typed_dicts[m]]) for m in METHODS}, typed_dicts)
