"""Nested types shared across endpoints: a type's identity is its structure (fingerprint), one
class per structure, names that depend on structure only, and cycles kept in one module."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from generator.core.ir import Endpoint, Schema, TypeExpr
from generator.python.identifiers import type_module
from generator.python.namelock import NameLock, assign_types


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
            if endpoint.type(name) is not None:  # a dangling `$ref` is typed Any
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
        structure: dict[str, Any] = {
            "name": name,
            "role": role,
            "fields": [
                {
                    "name": f.name,
                    "type": self._type_structure(f.type, role, (*stack, name)),
                    "required": f.required,
                    "default": [f.has_default, f.default],
                    "constraints": f.constraints.model_dump(exclude={"inferred"}, exclude_defaults=True),
                    **({"nullable": True} if f.nullable else {}),
                }
                for f in schema.fields
            ],
        }
        # Keys added with the attributes they describe, only when set: the fingerprints (and so
        # the names) of every type that does not use them stay what they were.
        if schema.additional_properties is not None:
            extra = schema.additional_properties
            structure["additional"] = extra if isinstance(extra, bool) else self._type_structure(extra, role, (*stack, name))
        if schema.any_value:
            structure["any_value"] = True
        fingerprint = hashlib.sha256(json.dumps(structure, sort_keys=True).encode()).hexdigest()[:16]
        self.found[key] = fingerprint
        return fingerprint

    def _type_structure(self, t: TypeExpr, role: str, stack: tuple[str, ...]) -> Any:
        if t.kind == "ref" and t.ref:
            if self.endpoint.type(t.ref) is None:
                return {"kind": "any"}  # a dangling `$ref`: typed Any, no class of its own
            return {"ref": self.of(t.ref, role, stack)}
        structure: dict[str, Any] = {
            "kind": t.kind,
            "items": self._type_structure(t.items, role, stack) if t.items else None,
            "values": t.values,
            "variants": [self._type_structure(v, role, stack) for v in t.variants or []],
        }
        if t.constraints is not None:
            structure["constraints"] = t.constraints.model_dump(exclude={"inferred"}, exclude_defaults=True)
        return structure


class TypeTable:
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


def type_components(
    table: TypeTable, summaries: list[EndpointSummary], recorded: set[str]
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
