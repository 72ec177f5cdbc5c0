"""IR types as Python annotations for one module (enum aliases, shared-type imports), and the
model views of its schemas."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from generator.core.fits import value_fits
from generator.core.ir import Endpoint, Property, Schema, TypeExpr
from generator.python.identifiers import GENERATED_MODULE_NAMES, class_identifier, field_identifier
from generator.python.layout import Decisions
from generator.python.pysource import python_literal
from generator.python.views import MAX_NESTING, SCALAR_ANNOTATIONS, EnumView, FieldView, ModelView

_T = TypeVar("_T")


def known(answer: _T | None, key: str) -> _T:
    """A decision about something the package has (a view asks only about those)."""
    if answer is None:
        raise LookupError(f"the package has no decision for {key!r}")
    return answer


class _Reserved:
    """Names an enum alias may not take: the module's own, and every shared class name (asked
    one name at a time, so the module records only the names it checked)."""

    def __init__(self, local: frozenset[str], decisions: Decisions) -> None:
        self.local = local
        self.decisions = decisions

    def __contains__(self, name: object) -> bool:
        return name in self.local or (isinstance(name, str) and self.decisions.is_shared_class(name))


class Annotator:
    """Turns IR types into annotations for one module, collecting the enums and imports it needs."""

    def __init__(
        self,
        decisions: Decisions,
        endpoint: Endpoint | None,
        role: str,
        own_module: str | None = None,
        reserved: frozenset[str] = frozenset(),
        enums: dict[str, EnumView] | None = None,
        shown: dict[str, str] | None = None,
    ) -> None:
        # Enum aliases share the module namespace with classes, imports and the endpoint class.
        self.reserved = _Reserved(reserved | GENERATED_MODULE_NAMES, decisions)
        self.decisions = decisions
        self.endpoint = endpoint
        self.role = role
        self.own_module = own_module
        self.enums: dict[str, EnumView] = {} if enums is None else enums
        """The module's enum aliases: every annotator of one module shares them, so two enums
        with one doc name and different values get different aliases."""
        self.imports: set[tuple[str, str]] = set()
        self.aliases: dict[str, str] = {}
        self.shown = shown or {}
        """Fingerprint -> the name annotations use for that shared type, where it is not the
        public class name (`shown_names`: the friendly name where the module allows)."""
        self.refs: dict[str, str] = {}
        """Fingerprint -> public class name of every shared type the annotations used."""

    def annotation(self, t: TypeExpr, wire_name: str, file_field: bool, depth: int = 0) -> str:
        kind = t.kind
        if depth > MAX_NESTING:
            return "Any"  # Python source cannot nest brackets without limit
        if kind in SCALAR_ANNOTATIONS:
            if kind == "string" and file_field:
                return "_FileInput"
            return SCALAR_ANNOTATIONS[kind]
        if kind == "array":
            return f"list[{self.annotation(t.items or TypeExpr(kind='any'), wire_name, file_field, depth + 1)}]"
        if kind == "map":
            return f"dict[str, {self.annotation(t.items or TypeExpr(kind='any'), wire_name, False, depth + 1)}]"
        if kind == "enum":
            return self._enum(t, wire_name)
        if kind == "union":
            parts: list[str] = []
            for variant in t.variants or []:
                text = self.annotation(variant, wire_name, file_field, depth + 1)
                if text not in parts:
                    parts.append(text)
            return " | ".join(parts) if parts else "Any"
        if kind == "ref":
            if not t.ref:
                return "dict[str, Any]"  # a reference to nothing named: an object of unknown shape
            assert self.endpoint is not None
            fingerprint = self.decisions.table.lookup(self.endpoint, t.ref, self.role)
            class_name = known(self.decisions.class_name(fingerprint), fingerprint)
            module = known(self.decisions.module(fingerprint), fingerprint)
            if class_name in self.reserved.local:
                # A recorded endpoint class and a recorded type class it now uses share a name;
                # neither may move, so the module imports the type under a private alias.
                self.imports.add((module, f"{class_name} as _{class_name}"))
                return "_" + class_name
            self.refs[fingerprint] = class_name
            shown = self.shown.get(fingerprint, class_name)
            if module != self.own_module:
                self.imports.add((module, shown))
            doc_class = class_identifier(t.ref or "")
            if doc_class != shown:
                self.aliases[doc_class] = shown
            return shown
        return "Any"

    def _enum(self, t: TypeExpr, wire_name: str) -> str:
        values = list(t.values or [])
        if not values:
            return "str"
        if any(nesting(value) > MAX_NESTING for value in values):
            return "Any"
        literals = [python_literal(v) for v in values]
        literal = "Literal[" + ", ".join(literals) + "]"
        base = class_identifier(t.name) if t.name else class_identifier(wire_name) + "Enum"
        if base in self.reserved:
            base += "Values"
        name = base
        index = 2
        while name in self.reserved or (name in self.enums and self.enums[name].literal != literal):
            name = f"{base}{index}"
            index += 1
        membership = any(isinstance(value, (dict, list)) for value in values)
        self.enums[name] = EnumView(name=name, values=literals, static=_static_enum_type(values), membership=membership)
        return name


def shown_names(refs: dict[str, str], decisions: Decisions, local: set[str] | frozenset[str], own: dict[str, str] | None = None) -> dict[str, str]:
    """Which shared types a module names by their friendly name (`ImageFile`, the name its class
    is defined under) rather than the public hashed one (`ImageFile_379d9f`, always importable):
    each whose friendly name no other type the module uses shares and no local name takes.
    `refs`: fingerprint -> public name of the types used; `own`: the module's own classes
    (fingerprint -> the name each is defined under), which always keep that name."""
    own = own or {}
    candidates = {fp: own.get(fp) or decisions.export_name(fp) or public for fp, public in refs.items()}
    taken = set(local) | {name for fp, name in own.items()}
    counts: dict[str, int] = {}
    for name in candidates.values():
        counts[name] = counts.get(name, 0) + 1
    return {
        fp: name
        for fp, name in candidates.items()
        if name != refs[fp] and (fp in own or (counts[name] == 1 and name not in taken))
    }


def import_order(entry: tuple[str, str]) -> tuple[list[Any], str]:
    """isort's (and ruff's) order of `from fal_bindings.types.<module> import <class>` lines:
    digit runs compare as numbers (`payload_903b0f` before `payload_1531b8`)."""
    module, cls = entry
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", module.lower())], cls


def nesting(value: Any, limit: int = MAX_NESTING + 1) -> int:
    """How deeply lists and dicts nest in a JSON value (counting stops past `limit`)."""
    if limit <= 0 or not isinstance(value, (list, dict)):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((nesting(item, limit - 1) for item in items), default=0)


def _static_enum_type(values: list[Any]) -> str | None:
    """None when every value may stand in `Literal[...]` (str, int, bool, None); else the type
    checkers are shown: `float` for numbers, `dict[str, Any]` for objects, `list[Any]` for
    lists, `Any` for a mix."""
    if all(value is None or isinstance(value, (str, int)) for value in values):
        return None
    if all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values):
        return "float"
    if all(isinstance(value, dict) for value in values):
        return "dict[str, Any]"
    if all(isinstance(value, list) for value in values):
        return "list[Any]"
    return "Any"


def _is_file_field(f: Property, role: str) -> bool:
    """An input that carries file URLs (the spec says so) also takes a local file or bytes."""
    return role == "input" and f.file


def model_view(
    schema: Schema,
    class_name: str,
    role: str,
    annotator: Annotator,
    endpoint: Endpoint | None,
    description: str,
    reserved: frozenset[str] = frozenset(),
) -> ModelView:
    fields: list[FieldView] = []
    taken: set[str] = set(reserved)
    # A wire name the IR lists twice (`x-fal-duplicate-properties`) is one attribute: the
    # first, the property the spec's JSON Schema (and so the emulator) validates.
    unique: list[Property] = []
    for f in schema.fields:
        if all(f.name != kept.name for kept in unique):
            unique.append(f)
    # Attribute names are decided in wire-name order so a collision's loser never depends on
    # the page's field order; fields are then emitted in page order.
    attrs: dict[str, str] = {}
    for f in sorted(unique, key=lambda f: f.name):
        attrs[f.name] = field_identifier(f.name, taken)
        taken.add(attrs[f.name])
    for f in unique:
        annotation = annotator.annotation(f.type, f.name, _is_file_field(f, role))
        resolver = endpoint.type if endpoint is not None else (lambda _name: None)
        default_fits = f.has_default and value_fits(f.default, f.type, resolver) and nesting(f.default) <= MAX_NESTING
        required = f.required and not f.has_default
        if required:
            default = None
        elif default_fits:
            default = python_literal(f.default)
        else:
            default = "None"
            if annotation != "Any" and not annotation.endswith("| None"):
                annotation = f"{annotation} | None"
        fields.append(
            FieldView(
                wire_name=f.name,
                attr=attrs[f.name],
                annotation=annotation,
                required=required,
                default=default,
                description=f.description,
                constraints=_constraints(f),
                inferred_constraints=f.constraints.inferred and not f.constraints.is_empty(),
            )
        )
    base = {"input": "_FalInput", "output": "_FalOutput"}[role]
    url = next((fv for fv in fields if fv.wire_name == "url" and fv.attr == "url"), None)
    if role == "output" and url is not None and url.annotation in ("str", "str | None"):
        base = "_FalFile"
    # A type the docs never describe has no fields: it accepts any keys, on either side.
    return ModelView(class_name=class_name, base=base, description=description, fields=fields, wire_name=schema.name, open=not fields)


def _constraints(f: Property) -> list[tuple[str, str]]:
    c = f.constraints
    pairs = [
        ("ge", c.minimum),
        ("le", c.maximum),
        ("gt", c.exclusive_minimum),
        ("lt", c.exclusive_maximum),
        ("min_length", c.min_length if c.min_length is not None else c.min_items),
        ("max_length", c.max_length if c.max_length is not None else c.max_items),
    ]
    numeric = f.type.kind in ("integer", "number")
    sized = f.type.kind in ("string", "array")
    return [
        (name, python_literal(value))
        for name, value in pairs
        if value is not None
        and ((name in ("ge", "le", "gt", "lt") and numeric) or (name.endswith("length") and sized and _LENGTHS[0] <= value <= _LENGTHS[1]))
    ]


_LENGTHS = (0, 2**63 - 1)
"""Lengths pydantic can enforce; a limit beyond them limits nothing and stays in the spec only."""
