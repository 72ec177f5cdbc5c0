"""Overlays: maintainers' reviewed fixes to what the docs get wrong, applied after parsing.

In the spirit of the OpenAPI Overlay specification, each action names a target (endpoint id
and a pointer), what to do, and why. Files are YAML under `specs/overlays/`:

    actions:
      - target: fal-ai/some-model
        pointer: /output/images/required     # /input|/output|/types/<Name>, then field, attribute
        set: true                              # or: update: {...} (merge), remove: true, add: {field}
        reason: The page lost the "* required" mark.

Pointers address the IR by name: `/title`, `/capabilities`, `/input` (a schema),
`/input/prompt` (a field), `/input/prompt/default`, `/types/ImageSize/width/constraints`.
`add` appends a field (given as IR JSON) to the schema the pointer names; at `/types` it adds a
nested type (IR JSON of a schema), e.g. one fal's document refers to and never defines.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics
from generator.core.ir import Endpoint
from generator.core.paths import display_path

ACTIONS = ("set", "update", "remove", "add")


@dataclass
class Action:
    target: str
    pointer: str
    kind: str
    value: Any
    reason: str
    file: str
    line: int


def load_overlays(directory: Path, diagnostics: Diagnostics) -> list[Action]:
    actions: list[Action] = []
    if not directory.is_dir():
        return actions
    for path in sorted(directory.rglob("*.y*ml")):
        name = display_path(path)
        try:
            root = yaml.compose(path.read_text(encoding="utf-8"))
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            line = getattr(getattr(error, "problem_mark", None), "line", -1) + 1
            diagnostics.emit(Code.OVERLAY_UNREADABLE, f"overlay file cannot be read: {error}", name, line)
            continue
        items = data.get("actions") if isinstance(data, dict) else None
        if not isinstance(items, list):
            diagnostics.emit(Code.OVERLAY_INVALID, "overlay file must hold a mapping with an 'actions' list", name, 1)
            continue
        item_nodes = _action_nodes(root)
        for index, item in enumerate(items):
            line = item_nodes[index] if index < len(item_nodes) else 1
            action = _read_action(item, name, line, diagnostics)
            if action is not None:
                actions.append(action)
    return actions


def _action_nodes(root: yaml.Node | None) -> list[int]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "actions" and isinstance(value, yaml.SequenceNode):
            return [node.start_mark.line + 1 for node in value.value]
    return []


def _read_action(item: object, file: str, line: int, diagnostics: Diagnostics) -> Action | None:
    if not isinstance(item, dict):
        diagnostics.emit(Code.OVERLAY_INVALID, "an action must be a mapping", file, line)
        return None
    kinds = [kind for kind in ACTIONS if kind in item]
    problems = []
    if not isinstance(item.get("target"), str):
        problems.append("'target' (an endpoint id) is missing")
    if not isinstance(item.get("pointer"), str) or not str(item.get("pointer")).startswith("/"):
        problems.append("'pointer' must be a string starting with '/'")
    if len(kinds) != 1:
        problems.append(f"exactly one of {', '.join(ACTIONS)} is needed")
    if not isinstance(item.get("reason"), str) or not item["reason"].strip():
        problems.append("'reason' is missing: every fix says why")
    if problems:
        diagnostics.emit(Code.OVERLAY_INVALID, "; ".join(problems), file, line, item.get("target") if isinstance(item.get("target"), str) else None)
        return None
    return Action(item["target"], item["pointer"], kinds[0], item[kinds[0]], item["reason"], file, line)


def apply_overlays(endpoints: list[Endpoint], actions: list[Action], diagnostics: Diagnostics) -> list[Endpoint]:
    by_id = {endpoint.id: endpoint for endpoint in endpoints}
    for action in actions:
        endpoint = by_id.get(action.target)
        if endpoint is None:
            diagnostics.emit(Code.OVERLAY_UNUSED, f"no endpoint {action.target!r}; overlay not applied", action.file, action.line, action.target)
            continue
        document = endpoint.model_dump(mode="json")
        try:
            _apply(document, action)
            updated = Endpoint.model_validate(document)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            message = _validation_message(error)
            diagnostics.emit(Code.OVERLAY_UNUSED, f"{action.pointer}: {message}; overlay not applied", action.file, action.line, action.target, action.pointer)
            continue
        by_id[action.target] = updated
        diagnostics.emit(Code.OVERLAY_APPLIED, f"{action.kind} {action.pointer}: {action.reason}", action.file, action.line, action.target, action.pointer)
    return [by_id[endpoint.id] for endpoint in endpoints]


def _validation_message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"result is not a valid endpoint ({'/'.join(str(p) for p in first['loc'])}: {first['msg']})"
    return str(error).strip("'\"") or type(error).__name__


def _apply(document: dict[str, Any], action: Action) -> None:
    if action.kind == "add" and action.pointer.strip("/") == "types":
        _add_type(document, action.value)
        return
    parent, key = _resolve(document, action.pointer)
    if action.kind == "add":
        target = parent[key] if key is not None else parent
        if not isinstance(target, dict) or "fields" not in target:
            raise ValueError("'add' needs a pointer to a schema (/input, /output, /types/<Name>)")
        if any(f["name"] == action.value.get("name") for f in target["fields"]):
            raise ValueError(f"field {action.value.get('name')!r} already exists")
        target["fields"].append(copy.deepcopy(action.value))
    elif action.kind == "remove":
        if key is None:
            raise ValueError("cannot remove the whole endpoint")
        if isinstance(parent, list):
            parent.pop(key)
        else:
            del parent[key]
    elif action.kind == "update":
        target = parent[key] if key is not None else parent
        if not isinstance(target, dict) or not isinstance(action.value, dict):
            raise ValueError("'update' merges a mapping into a mapping")
        _merge(target, action.value)
    else:
        if key is None:
            raise ValueError("cannot replace the whole endpoint")
        if isinstance(parent, dict) and key not in parent:
            raise KeyError(f"no {key!r} here")
        parent[key] = copy.deepcopy(action.value)
        if key == "default" and isinstance(parent, dict):
            parent["has_default"] = True


def _add_type(document: dict[str, Any], value: Any) -> None:
    """Define a nested type (IR JSON of a schema): what a document refers to but never defines
    (fal's dangling `$ref`) or a page never describes."""
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise ValueError("'add' at /types needs a type with a 'name'")
    if any(schema["name"] == value["name"] for schema in document["types"]):
        raise ValueError(f"type {value['name']!r} already exists")
    document["types"].append(copy.deepcopy(value))


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _resolve(document: dict[str, Any], pointer: str) -> tuple[Any, Any]:
    """Named pointer -> (container, key) in the IR dump; key None means the container itself."""
    parts = [part.replace("~1", "/").replace("~0", "~") for part in pointer.strip("/").split("/") if part != ""]
    if not parts:
        return document, None
    node: Any = document
    parent: Any = None
    key: Any = None
    index = 0
    if parts[0] == "types":
        if len(parts) < 2:
            raise KeyError("'/types' needs a type name")
        node = _named(document["types"], parts[1], "type")
        parent, key = document["types"], document["types"].index(node)
        index = 2
    elif parts[0] in ("input", "output"):
        parent, key, node = document, parts[0], document[parts[0]]
        index = 1
    else:
        parent, key, node = document, parts[0], document[parts[0]]
        index = 1
    if isinstance(node, dict) and "fields" in node and index < len(parts):
        if parts[index] in ("name", "description", "provenance") and index == len(parts) - 1:
            return node, parts[index]
        field = _named(node["fields"], parts[index], "field")
        parent, key, node = node["fields"], node["fields"].index(field), field
        index += 1
    for part in parts[index:]:
        if isinstance(node, list):
            parent, key = node, int(part)
            node = node[key]
        elif isinstance(node, dict):
            if part not in node:
                raise KeyError(f"no {part!r} here")
            parent, key, node = node, part, node[part]
        else:
            raise KeyError(f"cannot descend into {part!r}")
    return parent, key


def _named(items: list[dict[str, Any]], name: str, what: str) -> dict[str, Any]:
    for item in items:
        if item.get("name") == name:
            return item
    raise KeyError(f"no {what} named {name!r}")
