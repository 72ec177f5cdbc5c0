"""Public names that never move: the names lock of a generated package.

`falgen generate` records every public name it gives (endpoint module paths and classes,
shared type classes and modules) in `names.lock.json` at the root of the output, and reads it
back on the next run: a recorded name stays with its endpoint (by id) or its shared type (by
structure), and a newcomer whose name would clash gets the suffix. Entries of endpoints and
types that are gone stay, marked `"removed": true`, so their names are never silently given to
something else; the same endpoint id (or type structure) coming back gets its name back.

A shared type whose structure changed is a new structure under the same doc name: it inherits
the recorded name of the one structure of that doc name and role that is gone (when exactly one
is gone; among several newcomers, the one most endpoints use). Otherwise a changed type is a
newcomer.

The lock is part of the output (committed with it, reproduced by `falgen check`); a rename
that does happen (the lock edited or removed) is reported by `falgen diff` and `falgen check`
as breaking (`renames`).
"""

from __future__ import annotations

import json
import keyword
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.core.names import schema_base_name, short_hash
from generator.python.identifiers import (
    ASYNC_PREFIX,
    ENDPOINT_CLASS_RESERVED,
    GENERATED_MODULE_NAMES,
    PYTHON_BUILTINS,
    class_identifier,
    module_path,
    type_module,
    unique_name,
)

LOCK_FILE = "names.lock.json"
"""The lock's file name, at the root of the generated output (next to `pyproject.toml`)."""
LOCK_VERSION = 1
_ABOUT = "Public names of the generated package, recorded by falgen generate: a name once given never moves. Review changes like code."
ROLES = ("input", "output")


class LockError(ValueError):
    """The names lock cannot be used; the message names the file, the entry and why."""


@dataclass(frozen=True)
class EndpointName:
    module: str
    """Dotted module path under `fal_bindings.endpoints` (`fal_ai.flux_2`)."""
    class_name: str
    removed: bool = False


@dataclass(frozen=True)
class TypeName:
    module: str
    """Module under `fal_bindings.types`."""
    doc: str
    """The doc's name of the type."""
    role: str
    """`input` or `output`."""
    fingerprint: str
    """The structure the name was last given to (`view._Fingerprints`)."""
    removed: bool = False


@dataclass
class NameLock:
    endpoints: dict[str, EndpointName] = field(default_factory=dict)
    """Endpoint id -> its names."""
    types: dict[str, TypeName] = field(default_factory=dict)
    """Shared class name -> its type."""

    def dumps(self) -> str:
        """Sorted JSON, one entry per line (a review diff shows one line per name), ASCII only
        (no control or bidi character of a doc id reaches a reviewer's screen unescaped)."""

        def entry(data: dict[str, Any]) -> str:
            return json.dumps(data, sort_keys=True)

        def section(items: dict[str, dict[str, Any]]) -> str:
            if not items:
                return "{}"
            lines = [f"  {json.dumps(key)}: {entry(value)}" for key, value in sorted(items.items())]
            return "{\n" + ",\n".join(lines) + "\n }"

        endpoints = {
            endpoint_id: {"class": name.class_name, "module": name.module, **({"removed": True} if name.removed else {})}
            for endpoint_id, name in self.endpoints.items()
        }
        types = {
            class_name: {
                "doc": name.doc,
                "fingerprint": name.fingerprint,
                "module": name.module,
                "role": name.role,
                **({"removed": True} if name.removed else {}),
            }
            for class_name, name in self.types.items()
        }
        return (
            "{\n"
            f' "about": {json.dumps(_ABOUT)},\n'
            f' "version": {LOCK_VERSION},\n'
            f' "endpoints": {section(endpoints)},\n'
            f' "types": {section(types)}\n'
            "}\n"
        )

    @classmethod
    def loads(cls, text: str, where: str) -> NameLock:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise LockError(f"{where}: not valid JSON: {error}") from None
        return _Validator(where).lock(data)


def read_lock(path: Path) -> NameLock | None:
    """The lock at `path`; None when there is no file. Raises `LockError` on a lock that
    cannot be used: names are never chosen afresh behind the user's back."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise LockError(f"{path}: cannot read the names lock: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LockError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    return NameLock.loads(text, str(path))


# -- validation ----------------------------------------------------------------------------


def usable_class_name(name: object, reserved: frozenset[str]) -> bool:
    return (
        isinstance(name, str)
        and name.isidentifier()
        and name.isascii()
        and not name.startswith("_")  # private aliases of runtime names start with `_`
        and not keyword.iskeyword(name)
        and name not in reserved
        and name not in PYTHON_BUILTINS
    )


def usable_module_name(name: object) -> bool:
    return isinstance(name, str) and name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


class _Validator:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, path: str, why: str) -> LockError:
        return LockError(f"{self.where}: {path}: {why} (fix or remove the entry; removing it lets falgen choose the name afresh)")

    def keys(self, value: Any, path: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, found {type(value).__name__}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(path, f"unknown key(s) {', '.join(map(repr, unknown))}")
        missing = sorted(required - set(value))
        if missing:
            raise self.fail(path, f"missing key(s) {', '.join(map(repr, missing))}")
        if not isinstance(value.get("removed", False), bool):
            raise self.fail(f"{path}.removed", "expected true or false")
        return value

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, found {type(value).__name__}")
        return value

    def lock(self, data: Any) -> NameLock:
        top = self.keys(data, "(top level)", {"about", "version", "endpoints", "types"}, {"version", "endpoints", "types"})
        if top["version"] != LOCK_VERSION:
            raise LockError(f"{self.where}: version {top['version']!r} is not {LOCK_VERSION}, the version this falgen reads")
        lock = NameLock()
        endpoints = self.mapping(top["endpoints"], "endpoints")
        classes: dict[str, str] = {}
        modules: dict[str, str] = {}
        for endpoint_id, raw in endpoints.items():
            path = f"endpoints[{json.dumps(endpoint_id)}]"
            entry = self.keys(raw, path, {"class", "module", "removed"}, {"class", "module"})
            class_name, module = entry["class"], entry["module"]
            if not usable_class_name(class_name, ENDPOINT_CLASS_RESERVED):
                raise self.fail(f"{path}.class", f"{class_name!r} is not a usable endpoint class name")
            if not isinstance(module, str) or not all(usable_module_name(part) for part in module.split(".")):
                raise self.fail(f"{path}.module", f"{module!r} is not a dotted module path of identifiers")
            for name in (class_name, ASYNC_PREFIX + class_name):
                if name in classes:
                    raise self.fail(f"{path}.class", f"{name!r} is also the class (or its async twin) of {classes[name]!r}")
                classes[name] = endpoint_id
            if module in modules:
                raise self.fail(f"{path}.module", f"{module!r} is also the module of {modules[module]!r}")
            modules[module] = endpoint_id
            lock.endpoints[endpoint_id] = EndpointName(module, class_name, entry.get("removed", False))
        types = self.mapping(top["types"], "types")
        fingerprints: dict[str, str] = {}
        for class_name, raw in types.items():
            path = f"types[{json.dumps(class_name)}]"
            entry = self.keys(raw, path, {"doc", "fingerprint", "module", "role", "removed"}, {"doc", "fingerprint", "module", "role"})
            if not usable_class_name(class_name, GENERATED_MODULE_NAMES):
                raise self.fail(path, f"{class_name!r} is not a usable class name")
            module, doc, role, fingerprint = entry["module"], entry["doc"], entry["role"], entry["fingerprint"]
            if not usable_module_name(module):
                raise self.fail(f"{path}.module", f"{module!r} is not a module name")
            if not isinstance(doc, str) or not isinstance(fingerprint, str) or not fingerprint:
                raise self.fail(path, "`doc` and `fingerprint` must be strings")
            if role not in ROLES:
                raise self.fail(f"{path}.role", f"{role!r} is not one of {', '.join(ROLES)}")
            # (Types of one reference cycle share a module; `view` keeps other types apart.)
            if fingerprint in fingerprints:
                raise self.fail(f"{path}.fingerprint", f"also the fingerprint of {fingerprints[fingerprint]!r}")
            fingerprints[fingerprint] = class_name
            lock.types[class_name] = TypeName(module, doc, role, fingerprint, entry.get("removed", False))
        return lock


# -- naming over a lock ----------------------------------------------------------------------


def assign_types(
    doc_names: dict[str, str], roles: dict[str, str], users: dict[str, set[str]], lock: NameLock, endpoint_classes: dict[str, str]
) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Class and module of every shared type (by fingerprint), and the fingerprints whose
    names come from the lock. `users`: fingerprint -> endpoint ids; `endpoint_classes`: the
    locked class of each endpoint (a newcomer type its module imports must not take it).

    Without a lock: a doc name with one structure keeps its name, several get `<Name>_<hash6>`;
    modules are given in class-name order. With one, recorded names come first."""
    classes: dict[str, str] = {}
    modules: dict[str, str] = {}
    by_fingerprint = {entry.fingerprint: name for name, entry in lock.types.items()}
    for fingerprint in doc_names:
        recorded = by_fingerprint.get(fingerprint)
        if recorded is not None:
            classes[fingerprint], modules[fingerprint] = recorded, lock.types[recorded].module
    # A changed structure inherits the name of the one structure of its doc name that is gone.
    vacant: dict[tuple[str, str], list[str]] = {}
    for name, entry in sorted(lock.types.items()):
        if entry.fingerprint not in classes:
            vacant.setdefault((entry.doc, entry.role), []).append(name)
    newcomers: dict[tuple[str, str], list[str]] = {}
    for fingerprint in sorted(doc_names):
        if fingerprint not in classes:
            newcomers.setdefault((doc_names[fingerprint], roles[fingerprint]), []).append(fingerprint)
    for key, names in vacant.items():
        if len(names) == 1 and newcomers.get(key):
            heir = min(newcomers[key], key=lambda fp: (-len(users.get(fp, ())), fp))
            classes[heir], modules[heir] = names[0], lock.types[names[0]].module
    locked = set(classes)
    by_doc_name: dict[str, int] = {}
    for doc_name in doc_names.values():
        by_doc_name[doc_name] = by_doc_name.get(doc_name, 0) + 1
    used = set(lock.types) | set(classes.values())
    for fingerprint in sorted((fp for fp in doc_names if fp not in classes), key=lambda f: (doc_names[f], f)):
        doc_name = doc_names[fingerprint]
        base = class_identifier(doc_name)
        name = base if by_doc_name[doc_name] == 1 else f"{base}_{fingerprint[:6]}"
        # The recorded classes of the endpoints whose modules will import it (a few names).
        near = {
            cls for endpoint_id in users.get(fingerprint, ()) if endpoint_id in endpoint_classes
            for cls in (endpoint_classes[endpoint_id], ASYNC_PREFIX + endpoint_classes[endpoint_id])
        }  # fmt: skip
        if name in used or name in near:
            name = f"{name}_{fingerprint[:6]}"
        if name in used or name in near:
            name = unique_name(name, used | near)  # rare: a lock entry holds that name too
        used.add(name)
        classes[fingerprint] = name
    modules_taken = {entry.module for entry in lock.types.values()} | set(modules.values())
    for fingerprint in sorted((fp for fp in classes if fp not in modules), key=lambda f: classes[f]):
        modules[fingerprint] = type_module(classes[fingerprint], modules_taken)
        modules_taken.add(modules[fingerprint])
    return classes, modules, locked


def assign_endpoints(
    ids: list[str], lock: NameLock, type_classes: dict[str, set[str]]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Module path and class of every endpoint. Recorded names are kept; newcomers (in id
    order) take the id's sanitized path and PascalCase name, and a hash of the id when that is
    taken (by any recorded name too, removed endpoints included). `type_classes`: the shared
    classes each endpoint's module imports (its class must differ: `+Endpoint`)."""
    paths: dict[str, list[str]] = {}
    classes: dict[str, str] = {}
    taken_paths = {tuple(entry.module.split(".")) for entry in lock.endpoints.values()}
    taken_classes = {name for entry in lock.endpoints.values() for name in (entry.class_name, ASYNC_PREFIX + entry.class_name)}
    newcomers: list[str] = []
    for endpoint_id in sorted(ids):
        entry = lock.endpoints.get(endpoint_id)
        if entry is None:
            newcomers.append(endpoint_id)
        else:
            paths[endpoint_id], classes[endpoint_id] = entry.module.split("."), entry.class_name
    for endpoint_id in newcomers:
        path = module_path(endpoint_id)
        if tuple(path) in taken_paths:
            path = [*path[:-1], f"{path[-1]}_{short_hash(endpoint_id)}"]
        if tuple(path) in taken_paths:
            siblings = {p[-1] for p in taken_paths if p[:-1] == tuple(path[:-1])}
            path = [*path[:-1], unique_name(path[-1], siblings)]
        taken_paths.add(tuple(path))
        paths[endpoint_id] = path
        name = schema_base_name(endpoint_id)
        types = type_classes.get(endpoint_id, set())
        if name in ENDPOINT_CLASS_RESERVED or name in types or ASYNC_PREFIX + name in types:
            name += "Endpoint"
        if name in taken_classes or ASYNC_PREFIX + name in taken_classes:
            name = f"{name}_{short_hash(endpoint_id)}"
        base, index = name, 2
        while name in taken_classes or ASYNC_PREFIX + name in taken_classes:  # rare: a lock holds it too
            name, index = f"{base}_{index}", index + 1
        taken_classes.update((name, ASYNC_PREFIX + name))
        classes[endpoint_id] = name
    return paths, classes


def updated_lock(
    lock: NameLock,
    paths: dict[str, list[str]],
    classes: dict[str, str],
    type_classes: dict[str, str],
    type_modules: dict[str, str],
    doc_names: dict[str, str],
    roles: dict[str, str],
) -> NameLock:
    """The lock after a run: every name given now, and every recorded name not given now
    kept as removed."""
    out = NameLock()
    for endpoint_id, path in paths.items():
        out.endpoints[endpoint_id] = EndpointName(".".join(path), classes[endpoint_id])
    for endpoint_id, entry in lock.endpoints.items():
        if endpoint_id not in out.endpoints:
            out.endpoints[endpoint_id] = EndpointName(entry.module, entry.class_name, removed=True)
    for fingerprint, class_name in type_classes.items():
        out.types[class_name] = TypeName(type_modules[fingerprint], doc_names[fingerprint], roles[fingerprint], fingerprint)
    for class_name, type_entry in lock.types.items():
        if class_name not in out.types:
            out.types[class_name] = TypeName(type_entry.module, type_entry.doc, type_entry.role, type_entry.fingerprint, removed=True)
    return out


# -- renames -----------------------------------------------------------------------------------


@dataclass
class PublicNames:
    """What users import: endpoint id -> `module.Class`; type fingerprint -> (doc name, `module.Class`)."""

    endpoints: dict[str, str] = field(default_factory=dict)
    types: dict[str, tuple[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_lock(cls, lock: NameLock) -> PublicNames:
        names = cls()
        for endpoint_id, entry in lock.endpoints.items():
            if not entry.removed:
                names.endpoints[endpoint_id] = f"fal_bindings.endpoints.{entry.module}.{entry.class_name}"
        for class_name, type_entry in lock.types.items():
            if not type_entry.removed:
                names.types[type_entry.fingerprint] = (type_entry.doc, f"fal_bindings.types.{type_entry.module}.{class_name}")
        return names

    @classmethod
    def from_tree(cls, root: Path) -> PublicNames:
        """The names a generated tree holds: its lock, and its catalogue for endpoints (what its
        modules are, even when the lock is missing or was edited)."""
        try:
            lock = read_lock(root / LOCK_FILE)
        except LockError as error:
            lock, problem = None, str(error)
        else:
            problem = "" if lock is not None else f"{root / LOCK_FILE} is missing: every name was chosen afresh"
        names = cls.from_lock(lock) if lock is not None else cls()
        if problem:
            names.notes.append(problem)
        try:
            catalog = json.loads((root / "fal_bindings" / "_catalog.json").read_text(encoding="utf-8"))
            names.endpoints.update({e["id"]: f"{e['module']}.{e['class']}" for e in catalog})
        except (OSError, ValueError, TypeError, KeyError):
            pass
        return names


SHARED_TYPES = "fal_bindings.types"
"""The `endpoint` of a change to a shared type's name (it belongs to no one endpoint)."""
