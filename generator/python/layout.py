"""The package-wide decisions, made from endpoint summaries alone (names and modules of shared
types and endpoint classes, type cycles, module paths, packages), and the record of which of them
a module's view read.

Views ask through `Decisions`, a protocol of typed questions. The renderer hands each view a
`RecordingDecisions`, which answers as the `Layout` does and notes each answer; a module rendered
earlier is still right while its IR and every noted answer are (`Layout.unchanged`).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, NamedTuple, Protocol

from generator.core.ir import Endpoint
from generator.python.namelock import NameLock, PublicNames, assign_endpoints, updated_lock
from generator.python.shared_types import EndpointSummary, TypeTable, summarize, type_components
from generator.python.views import EndpointEntry, PackageView


class Question(Enum):
    """What a view may ask of the package-wide decisions (the kinds of a recorded answer)."""

    CLASS = "class"
    """The class name of a shared type (by fingerprint)."""
    MODULE = "module"
    """The module of a shared type (by fingerprint)."""
    TAKEN = "taken"
    """Whether a name is a shared type's class."""
    ENDPOINT = "endpoint"
    """An endpoint's class, file, spec hash and spec file."""
    SOURCE = "source"
    """The IR an endpoint was read from (its spec file's identity)."""
    PROVIDER = "provider"
    """The endpoint whose schema a shared type shows, with its source."""
    OWNER = "owner"
    """The endpoint whose IR resolves a shared type's references, with its source."""
    EXPORT = "export"
    """The name a shared type's class is defined under (by fingerprint)."""


class EndpointPlace(NamedTuple):
    class_name: str
    file: str
    spec_hash: str
    spec_file: str


class TypeOrigin(NamedTuple):
    endpoint_id: str
    source: str


DecisionRecord = dict[Question, dict[str, Any]]
"""Question -> key -> the answer as JSON (lists for tuples; None for "no such thing")."""


class Decisions(Protocol):
    """The questions a module's view asks about the package; `table` gives what is fixed by the
    endpoint's own IR (fingerprints, doc names, roles), so it is not recorded."""

    @property
    def table(self) -> TypeTable: ...

    def class_name(self, fingerprint: str) -> str | None: ...

    def module(self, fingerprint: str) -> str | None: ...

    def is_shared_class(self, name: str) -> bool: ...

    def endpoint(self, endpoint_id: str) -> EndpointPlace | None: ...

    def source(self, endpoint_id: str) -> str | None: ...

    def provider(self, fingerprint: str) -> TypeOrigin | None: ...

    def owner(self, fingerprint: str) -> TypeOrigin | None: ...

    def export_name(self, fingerprint: str) -> str | None: ...


def _as_json(answer: Any) -> Any:
    return list(answer) if isinstance(answer, tuple) else answer


class Layout:
    """Every package-wide decision, made from endpoint summaries alone; answers `Decisions`."""

    def __init__(
        self, summaries: list[EndpointSummary], documents: dict[str, tuple[str, str]], package_hash: str, lock: NameLock | None = None
    ) -> None:
        """`documents`: endpoint id -> (hash of its spec file, spec file name); `lock`: the
        names recorded by earlier runs (none: every name is chosen afresh)."""
        lock = lock or NameLock()
        self.summaries = {s.id: s for s in summaries}
        self.table = TypeTable(summaries, lock)
        self.taken = frozenset(self.table.class_names.values())
        """Every shared class name, public or friendly (below): enum aliases keep clear of them."""
        used = {s.id: {self.table.class_names[use.fingerprint] for use in s.types} for s in summaries}
        paths, class_names = assign_endpoints([s.id for s in summaries], lock, used)
        # First: it moves the members of a type cycle into one module, which endpoint modules import.
        self.owners, self.components = type_components(self.table, summaries, {entry.module for entry in lock.types.values()})
        self.exports = export_names(self.components, self.table.class_names)
        """Fingerprint -> the name its class is defined under, where that is not its public name."""
        self.taken = self.taken | frozenset(self.exports.values())
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
        self._sources = {i: s.source for i, s in self.summaries.items()}

    # -- Decisions --------------------------------------------------------------------------

    def class_name(self, fingerprint: str) -> str | None:
        return self.table.class_names.get(fingerprint)

    def module(self, fingerprint: str) -> str | None:
        return self.table.modules.get(fingerprint)

    def is_shared_class(self, name: str) -> bool:
        return name in self.taken

    def endpoint(self, endpoint_id: str) -> EndpointPlace | None:
        entry = self.entries.get(endpoint_id)
        return None if entry is None else EndpointPlace(entry.class_name, entry.file, entry.spec_hash, entry.spec_file)

    def source(self, endpoint_id: str) -> str | None:
        return self._sources.get(endpoint_id)

    def provider(self, fingerprint: str) -> TypeOrigin | None:
        found = self.table.providers.get(fingerprint)
        return None if found is None else TypeOrigin(found[0], self._sources[found[0]])

    def owner(self, fingerprint: str) -> TypeOrigin | None:
        endpoint_id = self.owners.get(fingerprint)
        return None if endpoint_id is None else TypeOrigin(endpoint_id, self._sources[endpoint_id])

    def export_name(self, fingerprint: str) -> str | None:
        return self.exports.get(fingerprint, self.table.class_names.get(fingerprint))

    # -- records ----------------------------------------------------------------------------

    def answer(self, question: Question, key: str) -> Any:
        """The answer to `question` about `key`, as JSON (what a record holds)."""
        ask = {
            Question.CLASS: self.class_name,
            Question.MODULE: self.module,
            Question.TAKEN: self.is_shared_class,
            Question.ENDPOINT: self.endpoint,
            Question.SOURCE: self.source,
            Question.PROVIDER: self.provider,
            Question.OWNER: self.owner,
            Question.EXPORT: self.export_name,
        }[question]
        return _as_json(ask(key))

    def unchanged(self, record: DecisionRecord) -> bool:
        """Whether every answer in `record` is still the answer."""
        return all(self.answer(question, key) == value for question, answers in record.items() for key, value in answers.items())

    def view(self) -> PackageView:
        return PackageView(endpoints=[self.entries[i] for i in sorted(self.entries)], packages=self.packages, spec_hash=self.spec_hash)


class RecordingDecisions:
    """`Decisions` that notes every answer it gives (the record of one module's view)."""

    def __init__(self, decisions: Layout) -> None:
        self._decisions = decisions
        self.record: DecisionRecord = {}

    @property
    def table(self) -> TypeTable:
        return self._decisions.table

    def _noted(self, question: Question, key: str, answer: Any) -> Any:
        self.record.setdefault(question, {})[key] = _as_json(answer)
        return answer

    def class_name(self, fingerprint: str) -> str | None:
        return self._noted(Question.CLASS, fingerprint, self._decisions.class_name(fingerprint))  # type: ignore[no-any-return]

    def module(self, fingerprint: str) -> str | None:
        return self._noted(Question.MODULE, fingerprint, self._decisions.module(fingerprint))  # type: ignore[no-any-return]

    def is_shared_class(self, name: str) -> bool:
        return self._noted(Question.TAKEN, name, self._decisions.is_shared_class(name))  # type: ignore[no-any-return]

    def endpoint(self, endpoint_id: str) -> EndpointPlace | None:
        return self._noted(Question.ENDPOINT, endpoint_id, self._decisions.endpoint(endpoint_id))  # type: ignore[no-any-return]

    def source(self, endpoint_id: str) -> str | None:
        return self._noted(Question.SOURCE, endpoint_id, self._decisions.source(endpoint_id))  # type: ignore[no-any-return]

    def provider(self, fingerprint: str) -> TypeOrigin | None:
        return self._noted(Question.PROVIDER, fingerprint, self._decisions.provider(fingerprint))  # type: ignore[no-any-return]

    def owner(self, fingerprint: str) -> TypeOrigin | None:
        return self._noted(Question.OWNER, fingerprint, self._decisions.owner(fingerprint))  # type: ignore[no-any-return]

    def export_name(self, fingerprint: str) -> str | None:
        return self._noted(Question.EXPORT, fingerprint, self._decisions.export_name(fingerprint))  # type: ignore[no-any-return]


_HASH_SUFFIX = re.compile(r"_[0-9a-f]{6}$")


def friendly_name(class_name: str) -> str:
    """A shared class's doc name: its public name without the structure hash (`ImageFile_379d9f`
    -> `ImageFile`); names without one are their own."""
    return _HASH_SUFFIX.sub("", class_name)


def export_names(components: list[list[str]], class_names: dict[str, str]) -> dict[str, str]:
    """The shared types whose class is defined under its friendly name (the public, hashed name
    stays as an alias beside it): every one whose module holds no other type of that friendly
    name. Annotations, mypy's messages and pydantic's errors then show `ImageFile`."""
    exports: dict[str, str] = {}
    for component in components:
        friendly = {fp: friendly_name(class_names[fp]) for fp in component}
        for fp, name in friendly.items():
            if name != class_names[fp] and list(friendly.values()).count(name) == 1:
                exports[fp] = name
    return exports


def names_of(endpoints: list[Endpoint], lock: NameLock | None) -> PublicNames:
    """The public names `falgen generate` gives these endpoints over `lock`."""
    by_id = {endpoint.id: endpoint for endpoint in reversed(endpoints)}  # an id twice: the first
    layout = Layout([summarize(e) for e in by_id.values()], {i: ("", "") for i in by_id}, "", lock)
    return PublicNames.from_lock(layout.lock)
