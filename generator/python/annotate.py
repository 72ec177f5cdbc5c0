"""IR types as Python annotations for one module (enum aliases, shared-type imports), and the
model views of its schemas."""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from generator.core.fits import value_fits
from generator.core.ir import Constraints, Endpoint, Property, Schema, TypeExpr
from generator.core.patterns import pattern_error
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

    def annotation(self, t: TypeExpr, wire_name: str, file_field: bool, depth: int = 0, plain: bool = False) -> str:
        """The annotation of `t`, with the limits its nodes carry (`Annotated[...]`); `plain`: the
        same type without them (what a method signature shows: the model checks the limits)."""
        bare = self.bare_annotation(t, wire_name, file_field, depth, plain)
        if plain or t.constraints is None or bare == "Any":
            return bare
        arguments, validators = limits(t.constraints, t.kind, file_field and t.kind == "string")
        metadata = ([f"Field({', '.join(f'{name}={value}' for name, value in arguments)})"] if arguments else []) + validators
        return f"Annotated[{bare}, {', '.join(metadata)}]" if metadata else bare

    def bare_annotation(self, t: TypeExpr, wire_name: str, file_field: bool, depth: int = 0, plain: bool = False) -> str:
        kind = t.kind
        if depth > MAX_NESTING:
            return "Any"  # Python source cannot nest brackets without limit
        if kind in SCALAR_ANNOTATIONS:
            if kind == "string" and file_field:
                return "_FileInput"
            return SCALAR_ANNOTATIONS[kind]
        if kind == "array":
            return f"list[{self.annotation(t.items or TypeExpr(kind='any'), wire_name, file_field, depth + 1, plain)}]"
        if kind == "map":
            return f"dict[str, {self.annotation(t.items or TypeExpr(kind='any'), wire_name, False, depth + 1, plain)}]"
        if kind == "enum":
            return self._enum(t, wire_name)
        if kind == "union":
            parts: list[str] = []
            for variant in t.variants or []:
                text = self.annotation(variant, wire_name, file_field, depth + 1, plain)
                for part in [text] if text.startswith("Annotated[") else text.split(" | "):
                    if part not in parts:
                        parts.append(part)
            return "Any" if not parts or "Any" in parts else " | ".join(parts)
        if kind == "tuple":
            items = [self.annotation(v, wire_name, file_field, depth + 1, plain) for v in t.variants or []]
            return f"tuple[{', '.join(items)}]" if plain else f"Annotated[tuple[{', '.join(items)}], _from_array]"
        if kind == "ref":
            if not t.ref:
                return "dict[str, Any]"  # a reference to nothing named: an object of unknown shape
            assert self.endpoint is not None
            if self.endpoint.type(t.ref) is None:
                return "Any"  # fal's dangling `$ref` (reported as `dangling-ref`): nothing known
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

    def default_source(self, value: Any, t: TypeExpr, wire_name: str, file_field: bool) -> tuple[str, bool]:
        """(Python source of a default that fits `t`, whether it builds models: then it is a
        `default_factory`, so the annotation's own type is what a default holds, built per
        instance and never at import)."""
        built: list[bool] = []
        source = self._value_source(value, t, wire_name, file_field, built)
        if t.kind in ("array", "map") and value:
            # A typed constructor: a type checker infers `list[str]` for `["a"]` where the field
            # is `list[Literal["a", "b"]] | None`, and the list is invariant.
            item = self.annotation(t.items or TypeExpr(kind="any"), wire_name, file_field and t.kind == "array", 1)
            container = f"list[{item}]" if t.kind == "array" else f"dict[str, {item}]"
            return f"{container}({source})", True
        return source, bool(built)

    def _value_source(self, value: Any, t: TypeExpr, wire_name: str, file_field: bool, built: list[bool]) -> str:
        assert self.endpoint is not None or t.kind != "ref"
        resolve = self.endpoint.type if self.endpoint is not None else (lambda _name: None)
        if t.kind == "union":
            for variant in t.variants or []:
                if value_fits(value, variant, resolve):
                    return self._value_source(value, variant, wire_name, file_field, built)
        elif t.kind == "ref" and t.ref and isinstance(value, dict) and resolve(t.ref) is not None:
            built.append(True)
            return f"{self.bare_annotation(t, wire_name, file_field)}.model_validate({python_literal(value)})"
        elif t.kind == "array" and isinstance(value, list):
            item = t.items or TypeExpr(kind="any")
            return "[" + ", ".join(self._value_source(v, item, wire_name, file_field, built) for v in value) + "]"
        elif t.kind == "tuple" and isinstance(value, list):
            parts = [self._value_source(v, i, wire_name, file_field, built) for v, i in zip(value, t.variants or [], strict=False)]
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        elif t.kind == "map" and isinstance(value, dict):
            item = t.items or TypeExpr(kind="any")
            pairs = [f"{python_literal(k)}: {self._value_source(v, item, wire_name, False, built)}" for k, v in value.items()]
            return "{" + ", ".join(pairs) + "}"
        return python_literal(value)

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
    return natural_key(module), cls


def natural_key(text: str) -> Any:
    """ruff's natural order (the `natord` crate, a port of strnatcmp), case-insensitive: digit
    runs compare by value, except where either starts with a zero (then digit by digit, as a
    fraction: `hailuo_02_fast` before `hailuo_2_3`); other characters one by one (`moondream.x`
    before `moondream2`)."""
    return functools.cmp_to_key(_natural_compare)(text.lower())


def _digits(text: str, start: int) -> str:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[start:end]


def _natural_compare(a: str, b: str) -> int:
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i].isdigit() and b[j].isdigit():
            run_a, run_b = _digits(a, i), _digits(b, j)
            if run_a.startswith("0") or run_b.startswith("0"):
                order = (run_a > run_b) - (run_a < run_b)  # as fractions: digit by digit, shorter first
            else:
                order = (int(run_a) > int(run_b)) - (int(run_a) < int(run_b))
            if order:
                return order
            i, j = i + len(run_a), j + len(run_b)
            continue
        if a[i] != b[j]:
            return -1 if a[i] < b[j] else 1
        i, j = i + 1, j + 1
    return (i < len(a)) - (j < len(b))


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
    resolver = endpoint.type if endpoint is not None else (lambda _name: None)
    for f in unique:
        file_field = _is_file_field(f, role)
        type_, top = _own_limits(f)
        annotation = annotator.annotation(type_, f.name, file_field)
        signature = annotator.annotation(type_, f.name, file_field, plain=True)
        arguments, validators = limits(top, type_.kind, file_field and type_.kind == "string")
        if validators:
            annotation = f"Annotated[{annotation}, {', '.join(validators)}]"
        default_fits = f.has_default and value_fits(f.default, f.type, resolver) and nesting(f.default) <= MAX_NESTING
        required = f.required and not f.has_default
        factory = False
        if required:
            default = None
        elif default_fits:
            default, factory = annotator.default_source(f.default, type_, f.name, file_field)
        else:
            default = "None"
        if f.nullable or default == "None":
            annotation, signature = _or_none(annotation), _or_none(signature)
        fields.append(
            FieldView(
                wire_name=f.name,
                attr=attrs[f.name],
                annotation=annotation,
                required=required,
                default=default,
                description=f.description,
                constraints=arguments,
                inferred_constraints=f.constraints.inferred and not f.constraints.is_empty(),
                default_factory=factory,
                signature_annotation=signature,
                doc_default=python_literal(f.default) if factory else "",
            )
        )
    base = {"input": "_FalInput", "output": "_FalOutput"}[role]
    url = next((fv for fv in fields if fv.wire_name == "url" and fv.attr == "url"), None)
    if role == "output" and url is not None and url.annotation in ("str", "str | None"):
        base = "_FalFile"
    if role == "output" and schema.any_value:
        base = "_FalValue"
    extra, extra_annotation = _extra(schema, role, annotator)
    not_null = [
        attrs[f.name]
        for f, view in zip(unique, fields, strict=True)
        if role == "input" and view.default == "None" and not f.nullable and not _takes_null(f.type, resolver)
    ]
    return ModelView(
        not_null=sorted(not_null),
        class_name=class_name,
        base=base,
        description=description,
        fields=fields,
        wire_name=schema.name,
        extra=extra,
        extra_annotation=extra_annotation,
    )


def _takes_null(t: TypeExpr, resolve: Any) -> bool:
    """Whether the type itself admits `null` (`any`, `null`, a union with one of them, an enum
    listing it, a dangling `$ref`)."""
    if t.kind in ("any", "null"):
        return True
    if t.kind == "enum":
        return None in (t.values or [])
    if t.kind == "ref":
        return bool(t.ref) and resolve(t.ref) is None
    return t.kind == "union" and any(_takes_null(v, resolve) for v in t.variants or [])


def _or_none(annotation: str) -> str:
    if annotation == "Any" or annotation.endswith("| None") or annotation == "None":
        return annotation
    return f"{annotation} | None"


def _extra(schema: Schema, role: str, annotator: Annotator) -> tuple[str | None, str | None]:
    """(`extra=` of the model's config when it differs from its base's, the type of the extra
    values). The schema's `additionalProperties` decides; when it says nothing, Input objects are
    closed (the runtime's `FalInput`: typos fail loudly) and Output objects open. A type the docs
    never describe (no fields) accepts any keys, on either side."""
    stated = schema.additional_properties
    if schema.any_value and role == "output":
        return None, None
    if stated is None:
        return ("allow" if role == "input" and not schema.fields else None), None
    if stated is False:
        return ("forbid" if role == "output" else None), None
    base_allows = role == "output"
    if stated is True or stated.kind == "any":
        return (None if base_allows else "allow"), None
    return (None if base_allows else "allow"), annotator.annotation(stated, "extra", False)


def _own_limits(f: Property) -> tuple[TypeExpr, Constraints]:
    """(the type to annotate, the limits for the field's own `Field(...)`). A union's limits
    apply to each variant of the type they name (JSON Schema keywords apply to their own type
    only), so they move onto the variants."""
    if f.type.kind != "union" or f.constraints.is_empty():
        return f.type, f.constraints
    own = f.constraints.model_dump(exclude_defaults=True, exclude={"inferred"})
    variants = [
        v.model_copy(update={"constraints": Constraints(**{**own, **(v.constraints.model_dump(exclude_defaults=True) if v.constraints else {})})})
        if v.kind in _LIMITED_KINDS
        else v
        for v in f.type.variants or []
    ]
    return f.type.model_copy(update={"variants": variants}), Constraints()


_LIMITED_KINDS = frozenset({"integer", "number", "string", "array"})


def limits(c: Constraints, kind: str, file_string: bool = False) -> tuple[list[tuple[str, str]], list[str]]:
    """(pydantic `Field` arguments, runtime validators) for the limits that apply to `kind`.

    pydantic's own arguments where they mean what JSON Schema means; the runtime's validators
    (`fal_bindings._runtime.constraints`) for `multipleOf` on numbers, `uniqueItems`, and the
    length and pattern of a file field (whose `Path`/`bytes` values are exempt)."""
    arguments: list[tuple[str, Any]] = []
    validators: list[str] = []
    if kind in ("integer", "number"):
        arguments += [("ge", c.minimum), ("le", c.maximum), ("gt", c.exclusive_minimum), ("lt", c.exclusive_maximum)]
        step = c.multiple_of
        if step is not None and not isinstance(step, bool) and step > 0:
            if kind == "integer" and isinstance(step, int):
                arguments.append(("multiple_of", step))
            else:
                validators.append(f"_multiple_of({python_literal(step)})")
    elif kind == "string":
        # one `re` cannot compile stays in the spec only (the spec reader reports it)
        pattern = c.pattern if c.pattern is not None and pattern_error(c.pattern) is None else None
        lengths = [(name, value) for name, value in (("min_length", c.min_length), ("max_length", c.max_length)) if _enforceable(value)]
        if file_string:
            if lengths or pattern is not None:
                parts = [f"{name}={python_literal(value)}" for name, value in lengths]
                parts += [f"pattern={python_literal(pattern)}"] if pattern is not None else []
                validators.append(f"_text_length({', '.join(parts)})")
        else:
            arguments += lengths + [("pattern", pattern)]
    elif kind == "array":
        arguments += [(name, value) for name, value in (("min_length", c.min_items), ("max_length", c.max_items)) if _enforceable(value)]
        if c.unique_items:
            validators.append("_unique_items")
    return [(name, python_literal(value)) for name, value in arguments if value is not None], validators


def _enforceable(value: int | None) -> bool:
    return value is not None and _LENGTHS[0] <= value <= _LENGTHS[1]


_LENGTHS = (0, 2**63 - 1)
"""Lengths pydantic can enforce; a limit beyond them limits nothing and stays in the spec only."""
