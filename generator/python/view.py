"""The Python view of the IR: identifiers, annotations, imports, module layout.

Templates read only these view objects; every decision about Python (names, reserved
words, types, where a class lives) is made here, so templates hold no logic. Doc text
passes into views unchanged and is escaped by the template filters in `render.py`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from generator.core.fits import value_fits
from generator.core.ir import Endpoint, Field_, Schema, TypeExpr
from generator.python.identifiers import (
    ASYNC_PREFIX,
    GENERATED_MODULE_NAMES,
    class_identifier,
    field_identifier,
    module_identifier,
    type_module,
)
from generator.python.namelock import NameLock, PublicNames, assign_endpoints, assign_types, updated_lock
from generator.python.pysource import python_literal

SCALAR_ANNOTATIONS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "any": "Any", "null": "None"}
MAX_NESTING = 32
"""Deepest list/dict nesting written into an annotation or a literal: Python's parser stops at
200 nested brackets; deeper doc types become `Any` (the spec keeps them)."""


@dataclass
class FieldView:
    wire_name: str
    attr: str
    annotation: str
    """Annotation of the model attribute."""
    required: bool
    default: str | None
    """Python source of the default (`None` when the field is required)."""
    description: str
    constraints: list[tuple[str, str]]
    """Keyword arguments for `Field(...)`: (`ge`, `1`), (`max_length`, `200`)."""
    inferred_constraints: bool = False

    @property
    def needs_alias(self) -> bool:
        return self.attr != self.wire_name


@dataclass
class ModelView:
    class_name: str
    base: str
    """`_FalInput`, `_FalOutput` or `_FalFile` (the runtime's classes, imported under private aliases)."""
    description: str
    fields: list[FieldView]
    wire_name: str = ""
    """The doc's name for this type."""
    open: bool = False
    """True for a type without described fields: unknown keys are kept, not rejected."""


@dataclass
class EnumView:
    name: str
    values: list[str]
    """Python literals of the values (`"a"`, `1`)."""
    static: str | None = None
    """What type checkers see when `Literal` may not hold the values (floats, lists, objects)."""
    membership: bool = False
    """True when a value is an object or a list: `Literal` cannot hold it at run time (it is
    unhashable), so the runtime's `one_of(...)` checks membership instead."""

    @property
    def literal(self) -> str:
        return "Literal[" + ", ".join(self.values) + "]"


@dataclass
class SharedTypeModule:
    """One module under `fal_bindings/types/`: a nested type (or a cycle of them)."""

    module: str
    models: list[ModelView]
    enums: list[EnumView]
    imports: list[tuple[str, str]]
    """(module, class) pairs of other shared types it uses."""
    fingerprint: str

    @property
    def import_lines(self) -> list[tuple[str, str]]:
        return import_lines(self.imports)


@dataclass
class EndpointEntry:
    """What the package-wide files (registry, README, catalogue) show of an endpoint: known
    from the endpoint summaries, without reading its IR or rendering its module."""

    endpoint_id: str
    class_name: str
    file: str
    """Path under `fal_bindings/`, e.g. `endpoints/fal_ai/flux_2.py` or `.../__init__.py`."""
    title: str
    description: str
    category: str | None
    capabilities: list[str]
    spec_hash: str
    spec_file: str

    @property
    def module(self) -> str:
        """Dotted module under `fal_bindings`, e.g. `endpoints.fal_ai.flux_2`."""
        return self.file.removesuffix(".py").removesuffix("/__init__").replace("/", ".")

    @property
    def module_doc(self) -> str:
        parts = [self.title, self.description, f"Endpoint id: {self.endpoint_id}"]
        return "\n\n".join(part for part in parts if part)

    @property
    def streaming(self) -> bool:
        return "streaming" in self.capabilities

    @property
    def realtime(self) -> bool:
        return "realtime" in self.capabilities


@dataclass
class EndpointView(EndpointEntry):
    """One endpoint module."""

    input: ModelView
    output: ModelView
    enums: list[EnumView]
    type_imports: list[tuple[str, str]]
    """(module, class) pairs of the shared types the module uses."""
    type_aliases: list[tuple[str, str]]
    """(doc name, class) for shared types whose class name differs from the doc name."""

    @property
    def type_import_lines(self) -> list[tuple[str, str]]:
        return import_lines(self.type_imports)


@dataclass
class PackageView:
    endpoints: list[EndpointEntry]
    shared: list[SharedTypeModule] = field(default_factory=list)
    """Filled by `build_package` only: the renderer views shared modules one at a time."""
    packages: list[str] = field(default_factory=list)
    """Package directories (relative to `fal_bindings/`) that need an `__init__.py`."""
    spec_hash: str = ""
    version: str = "0.1.0"
    """Version of the generated distribution."""


def catalog(view: PackageView) -> list[dict[str, Any]]:
    """A small summary of every endpoint, read by the CLI's `list` and `--help` without
    importing any endpoint module."""
    return [
        {
            "id": e.endpoint_id,
            "title": e.title,
            "description": e.description,
            "category": e.category,
            "capabilities": e.capabilities,
            "module": "fal_bindings." + e.module,
            "class": e.class_name,
            "spec": e.spec_file,
        }
        for e in view.endpoints
    ]


def spec_hash(document: bytes) -> str:
    """Hash of a spec file's bytes (the writer is deterministic, so bytes identify the spec)."""
    return hashlib.sha256(document).hexdigest()[:12]


# -- shared nested types -------------------------------------------------------------------


class TypeUse(NamedTuple):
    """A nested type as one endpoint uses it: what package-wide naming needs of it."""

    name: str
    role: str
    fingerprint: str
    provenance: tuple[str, int]
    refs: tuple[str, ...]
    """Fingerprints of the types its fields refer to."""


@dataclass
class EndpointSummary:
    """What the package-wide decisions need of one endpoint. It is made from that endpoint's
    IR alone, so the renderer can keep it per spec file and leave unchanged specs unread."""

    id: str
    title: str
    description: str
    category: str | None
    capabilities: list[str]
    types: list[TypeUse]
    source: str = ""
    """Identifies the IR this summary was made from (the renderer's key of the spec file)."""

    def to_data(self) -> tuple[Any, ...]:
        return (self.id, self.title, self.description, self.category, self.capabilities, [tuple(u) for u in self.types], self.source)

    @classmethod
    def from_data(cls, data: tuple[Any, ...]) -> EndpointSummary:
        id_, title, description, category, capabilities, types, source = data
        return cls(id_, title, description, category, capabilities, [TypeUse._make(u) for u in types], source)


def summarize(endpoint: Endpoint, source: str = "") -> EndpointSummary:
    """Fingerprint every nested type the endpoint's input and output reach."""
    fingerprints = _Fingerprints(endpoint)
    for role, root in (("input", endpoint.input), ("output", endpoint.output)):
        for name in endpoint.reachable_types(root):
            fingerprints.of(name, role, ())
    found = fingerprints.found
    uses: list[TypeUse] = []
    for (name, role), fingerprint in found.items():
        schema = endpoint.type(name) or Schema(name=name)
        refs = {found[(ref, role)] for f in schema.fields for ref in f.type.refs() if (ref, role) in found}
        uses.append(TypeUse(name, role, fingerprint, _provenance_key(schema), tuple(sorted(refs))))
    return EndpointSummary(
        id=endpoint.id,
        title=endpoint.title,
        description=endpoint.description,
        category=endpoint.category,
        capabilities=list(endpoint.capabilities),
        types=uses,
        source=source,
    )


class _Fingerprints:
    """A type's identity is its structure (field names, types, required-ness, defaults,
    constraints, and whether it is read or sent) — not its description and not which page it
    came from."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.found: dict[tuple[str, str], str] = {}
        """(type name, role) -> fingerprint."""

    def of(self, name: str, role: str, stack: tuple[str, ...]) -> str:
        key = (name, role)
        if key in self.found:
            return self.found[key]
        if name in stack:
            # A cycle: refer to the type by name; the cycle's members share one module.
            return f"cycle:{name}"
        schema = self.endpoint.type(name) or Schema(name=name)
        structure = {
            "name": name,
            "role": role,
            "fields": [
                {
                    "name": f.name,
                    "type": self._type_structure(f.type, role, (*stack, name)),
                    "required": f.required,
                    "default": [f.has_default, f.default],
                    "constraints": f.constraints.model_dump(exclude={"inferred"}, exclude_none=True),
                }
                for f in schema.fields
            ],
        }
        fingerprint = hashlib.sha256(json.dumps(structure, sort_keys=True).encode()).hexdigest()[:16]
        self.found[key] = fingerprint
        return fingerprint

    def _type_structure(self, t: TypeExpr, role: str, stack: tuple[str, ...]) -> Any:
        if t.kind == "ref" and t.ref:
            return {"ref": self.of(t.ref, role, stack)}
        return {
            "kind": t.kind,
            "items": self._type_structure(t.items, role, stack) if t.items else None,
            "values": t.values,
            "variants": [self._type_structure(v, role, stack) for v in t.variants or []],
        }


class _TypeTable:
    """Structurally identical nested types across endpoints become one class.

    Types with one doc name but different structures get `<Name>_<hash6>`; a doc name with a
    single structure keeps its name. Neither depends on how many endpoints use a type. A name
    the lock records stays with its structure (`namelock.assign_types`).
    """

    def __init__(self, summaries: list[EndpointSummary], lock: NameLock) -> None:
        self.fingerprints: dict[tuple[str, str, str], str] = {}
        """(endpoint id, type name, role) -> fingerprint."""
        self.providers: dict[str, tuple[str, TypeUse]] = {}
        """fingerprint -> the endpoint whose schema (description, docs) the class shows: the
        earliest in source order; on a tie, the first endpoint given."""
        self.roles: dict[str, str] = {}
        self.doc_names: dict[str, str] = {}
        users: dict[str, set[str]] = {}
        for summary in summaries:
            for use in summary.types:
                self.fingerprints[(summary.id, use.name, use.role)] = use.fingerprint
                known = self.providers.get(use.fingerprint)
                if known is None or use.provenance < known[1].provenance:
                    self.providers[use.fingerprint] = (summary.id, use)
                self.roles[use.fingerprint] = use.role
                self.doc_names[use.fingerprint] = use.name
                users.setdefault(use.fingerprint, set()).add(summary.id)
        locked_classes = {s.id: lock.endpoints[s.id].class_name for s in summaries if s.id in lock.endpoints}
        self.class_names, self.modules, self.locked = assign_types(self.doc_names, self.roles, users, lock, locked_classes)

    def lookup(self, endpoint: Endpoint, name: str, role: str) -> str:
        return self.fingerprints[(endpoint.id, name, role)]


def _provenance_key(schema: Schema) -> tuple[str, int]:
    return (schema.provenance.file, schema.provenance.line) if schema.provenance else ("~", 0)


# -- package-wide decisions --------------------------------------------------------------


_MISSING = object()
"""The answer to a question about something the package no longer has: equal to nothing."""


class Layout:
    """Every package-wide decision — names and modules of shared types and endpoint classes,
    type cycles, module paths, packages — made from endpoint summaries alone.

    Views read these decisions through `Reads`, which records each answer; a module rendered
    earlier is still right while its IR and every recorded answer are (see `render.py`).
    """

    def __init__(
        self, summaries: list[EndpointSummary], documents: dict[str, tuple[str, str]], package_hash: str, lock: NameLock | None = None
    ) -> None:
        """`documents`: endpoint id -> (hash of its spec file, spec file name); `lock`: the
        names recorded by earlier runs (none: every name is chosen afresh)."""
        lock = lock or NameLock()
        self.summaries = {s.id: s for s in summaries}
        self.table = _TypeTable(summaries, lock)
        self.taken = frozenset(self.table.class_names.values())
        """Every shared class name: enum aliases keep clear of them."""
        used = {s.id: {self.table.class_names[use.fingerprint] for use in s.types} for s in summaries}
        paths, class_names = assign_endpoints([s.id for s in summaries], lock, used)
        # First: it moves the members of a type cycle into one module, which endpoint modules import.
        self.owners, self.components = _type_components(self.table, summaries, {entry.module for entry in lock.types.values()})
        self.lock = updated_lock(lock, paths, class_names, self.table.class_names, self.table.modules, self.table.doc_names, self.table.roles)
        """The names lock after this run."""
        prefixes = {tuple(p[:i]) for p in paths.values() for i in range(1, len(p))}
        packages: set[str] = {"endpoints", "types"}
        self.entries: dict[str, EndpointEntry] = {}
        for summary in summaries:
            path = paths[summary.id]
            if tuple(path) in prefixes:
                file = "endpoints/" + "/".join(path) + "/__init__.py"
            else:
                file = "endpoints/" + "/".join(path) + ".py"
            for i in range(1, len(path) + (1 if tuple(path) in prefixes else 0)):
                packages.add("endpoints/" + "/".join(path[:i]))
            document_hash, document_file = documents[summary.id]
            self.entries[summary.id] = EndpointEntry(
                endpoint_id=summary.id,
                class_name=class_names[summary.id],
                file=file,
                title=summary.title,
                description=summary.description,
                category=summary.category,
                capabilities=list(summary.capabilities),
                spec_hash=document_hash,
                spec_file=document_file,
            )
        self.packages = sorted(packages)
        self.spec_hash = package_hash
        endpoint_answers = {i: [e.class_name, e.file, e.spec_hash, e.spec_file] for i, e in self.entries.items()}
        sources = {i: s.source for i, s in self.summaries.items()}
        providers = {fp: [i, sources[i]] for fp, (i, _) in self.table.providers.items()}
        owners = {fp: [i, sources[i]] for fp, i in self.owners.items()}
        self._answers: dict[str, Callable[[str], Any]] = {
            "class": lambda key: self.table.class_names.get(key, _MISSING),
            "module": lambda key: self.table.modules.get(key, _MISSING),
            "taken": self.taken.__contains__,
            "endpoint": lambda key: endpoint_answers.get(key, _MISSING),
            "source": lambda key: sources.get(key, _MISSING),
            "provider": lambda key: providers.get(key, _MISSING),
            "owner": lambda key: owners.get(key, _MISSING),
        }

    def view(self) -> PackageView:
        return PackageView(endpoints=[self.entries[i] for i in sorted(self.entries)], packages=self.packages, spec_hash=self.spec_hash)

    def answer(self, kind: str, key: str) -> Any:
        return self._answers[kind](key)

    def unchanged(self, answers: dict[str, dict[str, Any]]) -> bool:
        """Whether every recorded answer (`Reads.answers`) is still the answer."""
        for kind, recorded in answers.items():
            answer = self._answers.get(kind)
            if answer is None:
                return False
            for key, value in recorded.items():
                if answer(key) != value:
                    return False
        return True


class Reads:
    """The package-wide decisions one module's view reads, with their answers: kind -> key ->
    answer. Kinds: `class`/`module` of a type fingerprint, `taken` (is a name a shared class),
    `endpoint` (class, file, spec hash and file), `source` of an endpoint's IR, and the
    `provider`/`owner` endpoint (and its source) of a shared type."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.answers: dict[str, dict[str, Any]] = {}

    def __call__(self, kind: str, key: str) -> Any:
        answer = self.layout.answer(kind, key)
        self.answers.setdefault(kind, {})[key] = answer
        return answer


class _Reserved:
    """Names an enum alias may not take: the module's own, and every shared class name (asked
    one name at a time, so the module records only the names it checked)."""

    def __init__(self, local: frozenset[str], reads: Reads) -> None:
        self.local = local
        self.reads = reads

    def __contains__(self, name: object) -> bool:
        return name in self.local or (isinstance(name, str) and bool(self.reads("taken", name)))


# -- annotations ---------------------------------------------------------------------------


class _Annotator:
    """Turns IR types into annotations for one module, collecting the enums and imports it needs."""

    def __init__(
        self,
        reads: Reads,
        endpoint: Endpoint | None,
        role: str,
        own_module: str | None = None,
        reserved: frozenset[str] = frozenset(),
        enums: dict[str, EnumView] | None = None,
    ) -> None:
        # Enum aliases share the module namespace with classes, imports and the endpoint class.
        self.reserved = _Reserved(reserved | GENERATED_MODULE_NAMES, reads)
        self.reads = reads
        self.endpoint = endpoint
        self.role = role
        self.own_module = own_module
        self.enums: dict[str, EnumView] = {} if enums is None else enums
        """The module's enum aliases: every annotator of one module shares them, so two enums
        with one doc name and different values get different aliases."""
        self.imports: set[tuple[str, str]] = set()
        self.aliases: dict[str, str] = {}

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
            fingerprint = self.reads.layout.table.lookup(self.endpoint, t.ref, self.role)
            class_name: str = self.reads("class", fingerprint)
            module: str = self.reads("module", fingerprint)
            if class_name in self.reserved.local:
                # A recorded endpoint class and a recorded type class it now uses share a name;
                # neither may move, so the module imports the type under a private alias.
                self.imports.add((module, f"{class_name} as _{class_name}"))
                return "_" + class_name
            if module != self.own_module:
                self.imports.add((module, class_name))
            doc_class = class_identifier(t.ref or "")
            if doc_class != class_name:
                self.aliases[doc_class] = class_name
            return class_name
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


def import_lines(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(module, "ClassA, ClassB"): one `from ... import` per module (the classes of a type cycle
    share one), modules in the order given."""
    grouped: dict[str, list[str]] = {}
    aliased: list[tuple[str, str]] = []
    for module, cls in pairs:
        if " as " in cls:
            aliased.append((module, cls))  # one statement each, as isort keeps `as` imports
        else:
            grouped.setdefault(module, []).append(cls)
    return [(module, ", ".join(classes)) for module, classes in grouped.items()] + aliased


def _import_order(entry: tuple[str, str]) -> tuple[list[Any], str]:
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


def _is_file_field(f: Field_, role: str) -> bool:
    """An input that carries file URLs (the spec says so) also takes a local file or bytes."""
    return role == "input" and f.file


def _model_view(
    schema: Schema,
    class_name: str,
    role: str,
    annotator: _Annotator,
    endpoint: Endpoint | None,
    description: str,
    reserved: frozenset[str] = frozenset(),
) -> ModelView:
    fields: list[FieldView] = []
    taken: set[str] = set(reserved)
    # A wire name the IR lists twice (`x-fal-duplicate-properties`) is one attribute: the
    # first, the property the spec's JSON Schema (and so the emulator) validates.
    unique: list[Field_] = []
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


def _constraints(f: Field_) -> list[tuple[str, str]]:
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


# -- package ---------------------------------------------------------------------------------


def build_package(
    endpoints: list[Endpoint], spec_documents: dict[str, bytes], spec_files: dict[str, str], lock: NameLock | None = None
) -> PackageView:
    """Every view of the package, in memory (the renderer builds the same views one module at
    a time, reusing what it rendered before)."""
    ids = [e.id for e in endpoints]
    documents = {e.id: (spec_hash(spec_documents[e.id]), spec_files[e.id]) for e in endpoints}
    package_hash = spec_hash(b"".join(spec_documents[i] for i in sorted(ids)))
    layout = Layout([summarize(e) for e in endpoints], documents, package_hash, lock)
    by_id = {e.id: e for e in endpoints}
    view = layout.view()
    view.endpoints = sorted((endpoint_view(e, Reads(layout)) for e in endpoints), key=lambda v: v.endpoint_id)
    view.shared = sorted((shared_module(c, by_id, Reads(layout)) for c in layout.components), key=lambda m: m.module)
    return view


def endpoint_view(endpoint: Endpoint, reads: Reads) -> EndpointView:
    """The view of one endpoint module: its IR and the package-wide decisions it reads."""
    reads("source", endpoint.id)
    class_name, file, document_hash, document_file = reads("endpoint", endpoint.id)
    module_reserved = frozenset({"Input", "Output", "ENDPOINT_ID", class_name, "Async" + class_name})
    enums: dict[str, EnumView] = {}
    annotators = {role: _Annotator(reads, endpoint, role, reserved=module_reserved, enums=enums) for role in ("input", "output")}
    # The enum aliases and the endpoint class share the module namespace with the models.
    input_view = _model_view(endpoint.input, "Input", "input", annotators["input"], endpoint, f"Input of `{endpoint.id}`.")
    output_view = _model_view(endpoint.output, "Output", "output", annotators["output"], endpoint, f"Output of `{endpoint.id}`.")
    imports = sorted(annotators["input"].imports | annotators["output"].imports, key=_import_order)
    aliases = {**annotators["input"].aliases, **annotators["output"].aliases}
    module_names = {"Input", "Output", class_name, ASYNC_PREFIX + class_name, *enums, *(c for _, c in imports)}
    return EndpointView(
        endpoint_id=endpoint.id,
        class_name=class_name,
        file=file,
        title=endpoint.title,
        description=endpoint.description,
        category=endpoint.category,
        capabilities=list(endpoint.capabilities),
        input=input_view,
        output=output_view,
        enums=sorted(enums.values(), key=lambda e: e.name),
        type_imports=imports,
        type_aliases=sorted((doc, cls) for doc, cls in aliases.items() if doc not in module_names),
        spec_hash=document_hash,
        spec_file=document_file,
    )


def shared_module(component: list[str], endpoints: Mapping[str, Endpoint], reads: Reads) -> SharedTypeModule:
    """The view of one module under `types/`: the types of `component` (fingerprints; more than
    one for a cycle). `endpoints` holds (at least) the IR of each type's provider and owner."""
    table = reads.layout.table
    members = sorted(component, key=lambda fp: str(reads("class", fp)))
    module: str = reads("module", members[0])
    models: list[ModelView] = []
    enums: dict[str, EnumView] = {}
    imports: set[tuple[str, str]] = set()
    for fingerprint in members:
        name, role = table.doc_names[fingerprint], table.roles[fingerprint]
        schema = endpoints[reads("provider", fingerprint)[0]].type(name) or Schema(name=name)
        endpoint = endpoints[reads("owner", fingerprint)[0]]
        annotator = _Annotator(reads, endpoint, role, own_module=module, enums=enums)
        models.append(
            _model_view(schema, reads("class", fingerprint), role, annotator, endpoint, schema.description or f"The `{schema.name}` type.")
        )
        imports |= annotator.imports
    return SharedTypeModule(
        module=module,
        models=models,
        enums=sorted(enums.values(), key=lambda e: e.name),
        imports=sorted(imports, key=_import_order),
        fingerprint=",".join(sorted(component)),
    )


def _type_components(
    table: _TypeTable, summaries: list[EndpointSummary], recorded: set[str]
) -> tuple[dict[str, str], list[list[str]]]:
    """The owner of each shared type (the first endpoint by id that uses it: its IR resolves
    the type's references) and the modules of shared types: types in one cycle share a module,
    or their imports would be circular. Moves cycle members into one module in `table`. Types
    the lock gave one module (a cycle, which is no longer one) part: the one named after the
    module keeps it (else the first class by name), the others take new modules (never one in
    `recorded`)."""
    owners: dict[str, str] = {}
    deps: dict[str, set[str]] = {}
    for summary in sorted(summaries, key=lambda s: s.id):
        for use in summary.types:
            if use.fingerprint not in owners:
                owners[use.fingerprint] = summary.id
                deps[use.fingerprint] = set(use.refs)
    components = _strongly_connected(deps)
    module_of: dict[str, str] = {}
    for component in components:
        # The module of a member whose name the lock keeps, so a cycle's newcomers move nothing.
        kept = [fp for fp in component if fp in table.locked] or component
        first = sorted(kept, key=lambda fp: table.class_names[fp])[0]
        for fingerprint in component:
            module_of[fingerprint] = table.modules[first]
    claimed: set[str] = set()
    taken = recorded | set(module_of.values())

    def claim_order(component: list[str]) -> tuple[bool, str]:
        named_after = any(type_module(table.class_names[fp]) == module_of[fp] for fp in component)
        return (not named_after, min(table.class_names[fp] for fp in component))

    for component in sorted(components, key=claim_order):
        module = module_of[component[0]]
        if module in claimed:
            module = type_module(min(table.class_names[fp] for fp in component), taken)
            taken.add(module)
            module_of.update((fingerprint, module) for fingerprint in component)
        claimed.add(module)
    table.modules.update(module_of)
    return owners, components


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterated in sorted order so the result is deterministic."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def names_of(endpoints: list[Endpoint], lock: NameLock | None) -> PublicNames:
    """The public names `falgen generate` gives these endpoints over `lock`."""
    by_id = {endpoint.id: endpoint for endpoint in reversed(endpoints)}  # an id twice: the first
    layout = Layout([summarize(e) for e in by_id.values()], {i: ("", "") for i in by_id}, "", lock)
    return PublicNames.from_lock(layout.lock)


__all__ = [
    "build_package",
    "endpoint_view",
    "shared_module",
    "summarize",
    "Layout",
    "Reads",
    "EndpointSummary",
    "PackageView",
    "EndpointEntry",
    "EndpointView",
    "ModelView",
    "FieldView",
    "module_identifier",
]
