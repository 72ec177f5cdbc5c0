# Copied from templates/package/fal_bindings/testing/_refs.py by falgen. Edit the source, then run make generate.
"""The `$ref` check every spec passes when it is loaded: the Input and Output schemas, and every
schema they reach, use only `$ref`s that resolve, and no chain of them loops without descending
into the value. Either would otherwise surface mid-request as a jsonschema/referencing internal
(`PointerToNowhere`) or a `RecursionError`, far from the spec that caused it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._runtime.spec import SCHEMA_REF_PREFIX, SpecError, escape_token, pointer_target

__all__ = ["check_refs"]

# Keywords that apply their schemas to the value itself: a `$ref` cycle through these alone never
# reaches a smaller part of the value, so validating it never ends (JSON Schema 2020-12 leaves
# such schemas undefined; jsonschema recurses until Python's stack runs out).
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_VALUES = ("not", "if", "then", "else")
_IN_PLACE_MAPS = ("dependentSchemas",)
# Keywords that apply their schemas to a part of the value (a property, an item, a key): a cycle
# through one of them is a recursive type (a tree), bounded by the value's own depth.
_NESTED_VALUES = (
    "items",
    "additionalItems",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contains",
    "propertyNames",
)
_NESTED_MAPS = ("properties", "patternProperties")

_KIND = {
    **{key: (True, list) for key in _IN_PLACE_LISTS},
    **{key: (True, None) for key in _IN_PLACE_VALUES},
    **{key: (True, dict) for key in _IN_PLACE_MAPS},
    **{key: (False, None) for key in _NESTED_VALUES},
    **{key: (False, dict) for key in _NESTED_MAPS},
    "prefixItems": (False, list),
}
"""Schema keyword -> (applies in place, the container of its subschemas: list, dict or one)."""

_Location = tuple[Any, ...]
"""Where a subschema sits, as a chain `(parent chain, token)` ending in the root's pointer (a
chain, not a string: formatting every location would double the cost of the check)."""


def check_refs(document: Mapping[str, Any], roots: Iterable[str], source: str) -> None:
    """SpecError unless every `$ref` reachable from the schemas at `roots` (local `#/...`
    pointers) resolves to a schema of `document`, and none is part of a cycle made only of
    `$ref`, `allOf`/`anyOf`/`oneOf`, `not`, `if`/`then`/`else` or `dependentSchemas` steps."""
    in_place: dict[str, list[str]] = {}  # pointer -> the pointers its schema applies in place
    pending = list(roots)
    while pending:
        pointer = pending.pop()
        if pointer in in_place:
            continue
        in_place[pointer] = []
        for ref, where, applies_in_place in _refs(
            pointer_target(document, pointer, source), pointer
        ):
            if ref not in in_place:
                try:
                    pointer_target(document, ref, source)
                except SpecError as exc:
                    raise SpecError(f"{exc}; the $ref is at {_pointer(where)}") from None
                pending.append(ref)
            if applies_in_place:
                in_place[pointer].append(ref)
    cycle = _cycle(in_place)
    if cycle:
        shown = " -> ".join(_short(p) for p in cycle)
        raise SpecError(
            f"{source}: $ref cycle {shown}: each schema only refers to the next (through $ref,"
            " allOf, anyOf, oneOf, not, if/then/else), so checking a value never ends; a"
            " recursive schema refers to itself from a property or an array's items"
        )


def _refs(schema: Any, pointer: str) -> Iterator[tuple[str, _Location, bool]]:
    """Every `$ref` in `schema` and its subschemas (not through other `$ref`s): its value, where
    it sits, and whether it applies to the value `schema` checks (not to a part of it)."""
    stack: list[tuple[Any, _Location, bool]] = [(schema, (pointer,), True)]
    while stack:
        node, where, applies_in_place = stack.pop()
        if not isinstance(node, dict):
            continue  # `true`/`false` schemas, or a malformed keyword the validator ignores too
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref, where, applies_in_place
        for key, value in node.items():
            kind = _KIND.get(key)
            if kind is None:
                continue  # data (`examples`, `default`, `enum`, ...) or an annotation
            in_place = applies_in_place and kind[0]
            if isinstance(value, list) and (kind[1] is list or key == "items"):
                # `items` as a list is the older tuple form
                stack += [(v, ((where, key), i), in_place) for i, v in enumerate(value)]
            elif isinstance(value, dict) and kind[1] is dict:
                stack += [(v, ((where, key), k), in_place) for k, v in value.items()]
            elif kind[1] is None:
                stack.append((value, (where, key), in_place))


def _pointer(where: _Location) -> str:
    tokens: list[str] = []
    while len(where) == 2:
        where, token = where
        tokens.append(escape_token(str(token)))
    return "/".join([where[0], *reversed(tokens)])


def _cycle(edges: Mapping[str, list[str]]) -> list[str] | None:
    """A cycle of `edges` as its pointers, the first one repeated at the end (None: acyclic)."""
    done: set[str] = set()
    for start in edges:
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        iterators = [iter(edges.get(start, []))]
        while iterators:
            successor = next(iterators[-1], None)
            if successor is None:
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                iterators.pop()
            elif successor in on_path:
                return [*path[path.index(successor) :], successor]
            elif successor not in done:
                path.append(successor)
                on_path.add(successor)
                iterators.append(iter(edges.get(successor, [])))
    return None


def _short(pointer: str) -> str:
    return pointer[len(SCHEMA_REF_PREFIX) :] if pointer.startswith(SCHEMA_REF_PREFIX) else pointer
