"""What all pages say, indexed for cross-page recovery, with every read logged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from generator.core.ir import Property, Provenance, Schema, TypeExpr
from generator.docs.text import Page, PageSchema


class Read(str, Enum):
    """What recovering a page asked of the rest of the corpus (the kind of a logged read)."""

    EVIDENCE = "d"
    """Fields described so on pages with intact marks (key: the normalised description)."""
    TYPE = "t"
    """A nested type as other pages describe it (key: its name)."""
    SAME_FIELD = "n"
    """The same field (name and description) on marked pages (key: `name\0description`)."""


@dataclass
class FieldEvidence:
    """A field as a page with intact `* required` marks states it."""

    name: str
    type: TypeExpr
    required: bool
    provenance: Provenance | None


class Corpus:
    """What all pages say, indexed for cross-page recovery.

    Recovery of one page reads the rest of the corpus only through `evidence`, `types_named`
    and `required_elsewhere`; each read is logged in `reads` (kind, key), so the parse stage
    can tell exactly which other pages a cached result depends on (see `generator.docs.parse`).
    """

    def __init__(
        self,
        evidence: Mapping[str, list[FieldEvidence]],
        types: Mapping[str, list[Schema]] | None = None,
    ) -> None:
        self._evidence = evidence
        """Field evidence from pages with intact marks, by normalised description, in corpus order."""
        self._types = types or {}
        """Nested types by name as their pages state them after name recovery, in corpus order."""
        self.reads: set[tuple[Read, str]] = set()

    def evidence(self, description: str) -> list[FieldEvidence]:
        key = normalise(description)
        self.reads.add((Read.EVIDENCE, key))
        return self._evidence.get(key, [])

    def types_named(self, name: str) -> list[Schema]:
        self.reads.add((Read.TYPE, name))
        return self._types.get(name, [])

    def required_elsewhere(self, field: Property) -> bool | None:
        """Majority required-ness of the same field (name and description) on marked pages."""
        key = normalise(field.description)
        self.reads.add((Read.SAME_FIELD, f"{field.name}\0{key}"))
        votes = Counter(e.required for e in self._evidence.get(key, []) if e.name == field.name)
        if not votes or votes[True] == votes[False]:
            return None
        return votes[True] > votes[False]


def page_evidence(page: Page) -> list[tuple[str, FieldEvidence]]:
    """What a page with intact `* required` marks says about its fields, keyed by normalised
    description (fields as stated, before any recovery)."""
    if not page.has_markers:
        return []
    found: list[tuple[str, FieldEvidence]] = []
    for schema in page.schemas():
        for field in schema.fields:
            key = normalise(field.description)
            if key:
                found.append((key, FieldEvidence(field.name, field.type, field.required, field.provenance)))
    return found


def page_types(page: Page) -> list[Schema]:
    """The nested types a page states, as IR (after its lost names were recovered; nothing
    edits a page after that, and a page that borrows a type copies it deeply)."""
    return [page_schema_to_ir(schema) for schema in page.types]


def page_schema_to_ir(schema: PageSchema, deep: bool = False) -> Schema:
    """The IR schema of a page section. Fields are copied (recovery reassigns their attributes,
    never mutates what they hold), deeply when the schema is borrowed by another endpoint."""
    provenance = _heading_provenance(schema)
    name = schema.name if schema.role == "type" else schema.role.capitalize()
    return Schema(name=name, fields=[field.model_copy(deep=deep) for field in schema.fields], provenance=provenance)


def _heading_provenance(schema: PageSchema) -> Provenance | None:
    return Provenance(file=schema.heading.file, line=schema.heading.number) if schema.heading else None


def normalise(text: str) -> str:
    return " ".join(text.split())
