"""The Python view of the IR: what templates read. Every decision about Python (names, reserved
words, types, where a class lives) is made before a view exists (`layout`, `annotate`,
`package`), so templates hold no logic. Doc text passes into views unchanged and is escaped by
the template filters (`generator.render.environment`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

SCALAR_ANNOTATIONS = {"string": "str", "integer": "int", "number": "int | float", "boolean": "bool", "any": "Any", "null": "None"}
"""A JSON `number` is `int | float`: a whole number stays an `int` and is sent as `2`, not `2.0`
(pydantic would turn it into a float under `float`); type checkers read `float` as taking an
int anyway, so the union says only what the value really is."""
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
    default_factory: bool = False
    """`default` builds models (`ImageSize.model_validate({...})`): a `default_factory`, and
    `...` in method signatures (a type checker would not take the dict)."""

    signature_annotation: str = ""
    """The annotation a method signature shows: the same type without the limits'
    `Annotated[...]` metadata (the model checks them). Empty: `annotation`."""

    doc_default: str = ""
    """The default as a docstring shows it: the value (`{"width": 512}`), not the code building
    it. Empty: `default`."""

    @property
    def description_in_docstring(self) -> bool:
        """Whether the attribute docstring carries the description exactly: pydantic expands its
        tabs (`inspect.cleandoc`), so a description with one stays in `Field(description=...)`."""
        return "\t" not in self.description

    @property
    def signature_type(self) -> str:
        return self.signature_annotation or self.annotation

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
    extra: str | None = None
    """`extra=` of the model's config when it differs from its base's (`allow` for an Input
    object whose schema invites more keys, `forbid` for an Output object that forbids them)."""
    extra_annotation: str | None = None
    """The type of the extra keys' values (`additionalProperties: {schema}`)."""
    not_null: list[str] = field(default_factory=list)
    """Input attributes typed `T | None = None` only to be optional: fal's schema has no null
    for them, so the runtime refuses an explicit `None` (`__fal_not_null__`)."""


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
    public_aliases: list[tuple[str, str]] = field(default_factory=list)
    """(public name, class) for each class defined under its friendly name: `ImageFile_379d9f =
    ImageFile`, so the name the lock records stays importable."""

    @property
    def import_lines(self) -> list[tuple[str, str]]:
        return import_lines(self.imports)

    @property
    def exported(self) -> list[str]:
        """`__all__`: every class, and the public name of each defined under a friendly one."""
        return [m.class_name for m in self.models] + [public for public, _ in self.public_aliases]


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
