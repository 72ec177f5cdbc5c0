"""The one intermediate representation between front-ends and writers.

Front-ends (scraped text, HTML, fal's OpenAPI JSON) produce these models; the spec writer,
the renderer and the drift checker only read them. The IR is target-neutral: it knows
nothing about Python identifiers (that is `view.py`'s job) and it serialises to JSON.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

JsonValue = Any
"""A JSON-compatible value (dict, list, str, int, float, bool, None)."""


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Provenance(_Node):
    """Where a piece of the IR came from: a path relative to the project and a 1-based line."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Diagnostic(_Node):
    """One anomaly found while reading the docs: what, where, and how bad."""

    code: str
    severity: Severity
    message: str
    file: str
    line: int = 0
    endpoint_id: str | None = None
    pointer: str | None = None
    """Where in the endpoint it applies: a data path (`/input/prompt`) for doc pages, a JSON
    pointer into the source document (`/components/schemas/FluxDevInput/properties/seed`) for
    OpenAPI sources."""

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    def render(self) -> str:
        where = f" [{self.endpoint_id}]" if self.endpoint_id else ""
        return f"{self.location}: {self.severity.value} {self.code}{where}: {self.message}"


TypeKind = Literal[
    "string", "integer", "number", "boolean", "array", "map", "ref", "enum", "union", "any", "null", "tuple"
]


class Constraints(_Node):
    """Limits on a value. `inferred` is true when they were read from prose, not stated as schema.

    Each keyword applies to the JSON type it names only (`minimum` to numbers, `pattern` to
    strings, `uniqueItems` to arrays), as in JSON Schema."""

    minimum: float | int | None = None
    maximum: float | int | None = None
    exclusive_minimum: float | int | None = None
    exclusive_maximum: float | int | None = None
    multiple_of: float | int | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    inferred: bool = False

    def is_empty(self) -> bool:
        return not self.unique_items and all(
            getattr(self, name) is None
            for name in type(self).model_fields
            if name not in ("inferred", "unique_items")
        )


class TypeExpr(_Node):
    """A field type as the docs state it.

    - scalars: string, integer, number, boolean, any, null
    - array: `items` holds the element type (`list<T>` in the docs)
    - map: `items` holds the value type (`dict<str, T>`)
    - ref: `ref` names a schema in the endpoint's `types`
    - enum: `values` are the allowed literals, `name` the doc's name for it (e.g. `AspectRatioEnum`)
    - union: `variants` in doc order (`ImageSize | Enum`)
    - tuple: `variants` are the items, one per position, all present and no more (JSON Schema
      `prefixItems` with `minItems` = `maxItems` = their number)

    `constraints` are the limits stated on this node when it is not a property's own type (an
    array's items, a union's variant, a map's values): a property's own limits are
    `Property.constraints`.
    """

    kind: TypeKind
    items: TypeExpr | None = None
    ref: str | None = None
    values: list[JsonValue] | None = None
    name: str | None = None
    variants: list[TypeExpr] | None = None
    constraints: Constraints | None = None

    def render(self) -> str:
        """The doc-style spelling, used in diagnostics and reports."""
        if self.kind == "array":
            return f"list<{self.items.render() if self.items else 'any'}>"
        if self.kind == "map":
            return f"dict<string, {self.items.render() if self.items else 'any'}>"
        if self.kind == "ref":
            return self.ref or "?"
        if self.kind == "enum":
            return self.name or "Enum"
        if self.kind == "union":
            return " | ".join(v.render() for v in self.variants or [])
        if self.kind == "tuple":
            return "tuple<" + ", ".join(v.render() for v in self.variants or []) + ">"
        return {"number": "float"}.get(self.kind, self.kind)

    def refs(self) -> list[str]:
        """Names of every schema this type mentions, in order."""
        out: list[str] = []
        if self.kind == "ref" and self.ref:
            out.append(self.ref)
        if self.items is not None:
            out.extend(self.items.refs())
        for variant in self.variants or []:
            out.extend(variant.refs())
        return out

    def enum_values(self) -> list[JsonValue]:
        """Enum values directly in this type or in one of its union variants."""
        if self.kind == "enum":
            return list(self.values or [])
        values: list[JsonValue] = []
        for variant in self.variants or []:
            values.extend(variant.enum_values())
        return values


RequiredSource = Literal["marker", "schema", "default", "wording", "other-page", "example", "rule"]
"""How a field's required-ness was decided (see README, "Required-ness rule")."""


class Property(_Node):
    """One property (field) of an object schema."""

    name: str
    """The wire name, exactly as the docs give it."""
    type: TypeExpr
    required: bool = False
    required_source: RequiredSource = "rule"
    nullable: bool = False
    has_default: bool = False
    default: JsonValue = None
    description: str = ""
    constraints: Constraints = Field(default_factory=Constraints)
    file: bool = False
    """The value carries file URLs (a string, or a list of them): decided once by the parser
    (`generator.docs.files`), written as `x-fal-file`, read by the bindings, CLI and emulator."""
    provenance: Provenance | None = None


class Schema(_Node):
    """A named object type: an endpoint's input or output, or a nested ("Other types") type."""

    name: str
    description: str = ""
    fields: list[Property] = Field(default_factory=list)
    additional_properties: bool | TypeExpr | None = None
    """Keys beyond `fields`: None when the schema does not say (Input objects are then closed,
    Output objects open), True allowed, False forbidden, a type: allowed with values of it."""
    any_value: bool = False
    """The schema is `{}`: any JSON value, not only an object (fal's `{}` Outputs). Only an
    endpoint's Input or Output, and only without fields (a nested `{}` is the type `any`)."""
    provenance: Provenance | None = None

    def field(self, name: str) -> Property | None:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None


Capability = Literal["queue", "streaming", "realtime"]
CAPABILITY_ORDER: tuple[Capability, ...] = ("queue", "streaming", "realtime")


class Example(_Node):
    """An example payload from the page, with where it stood."""

    value: JsonValue
    provenance: Provenance | None = None


class Endpoint(_Node):
    """Everything one doc page says about one model endpoint."""

    id: str
    title: str = ""
    description: str = ""
    category: str | None = None
    status: str | None = None
    """fal's status for the model (`active`, `deprecated`) when a source states it."""
    tags: list[str] = Field(default_factory=list)
    """fal's tags for the model, in fal's order."""
    capabilities: list[Capability] = Field(default_factory=lambda: list[Capability](["queue"]))
    input: Schema
    output: Schema
    types: list[Schema] = Field(default_factory=list)
    """Nested types ("Other types"), in page order."""
    example_input: Example | None = None
    example_output: Example | None = None
    provenance: Provenance | None = None
    """The page (first line of the id) this endpoint was read from."""
    sources: list[Provenance] = Field(default_factory=list)
    """Every page that contributed (a page that appears twice is merged)."""

    def type(self, name: str) -> Schema | None:
        for candidate in self.types:
            if candidate.name == name:
                return candidate
        return None

    def all_schemas(self) -> list[Schema]:
        return [self.input, self.output, *self.types]

    def reachable_types(self, *roots: Schema) -> list[str]:
        """Names of the nested types `roots` use, directly or through other types, in the
        order they are first met (breadth first)."""
        found: list[str] = []
        pending = [ref for root in roots for field in root.fields for ref in field.type.refs()]
        while pending:
            name = pending.pop(0)
            if name in found:
                continue
            found.append(name)
            schema = self.type(name)
            if schema is not None:
                pending.extend(ref for field in schema.fields for ref in field.type.refs())
        return found


class ParseResult(_Node):
    """The output of a front-end run: endpoints (sorted by id) and every diagnostic."""

    endpoints: list[Endpoint] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    pages: int = 0
    """How many doc pages were read."""

    def endpoint(self, endpoint_id: str) -> Endpoint | None:
        for candidate in self.endpoints:
            if candidate.id == endpoint_id:
                return candidate
        return None


TypeExpr.model_rebuild()
