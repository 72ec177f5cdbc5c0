"""Raw template output -> final Python source: unused imports pruned, black where needed.

The templates emit black's layout themselves; black runs only on a module they cannot promise
is stable (see `pysource.black_stable`), and its output is cached by content. A cached text
goes into `generated/`, which is imported code, so it is trusted only as far as it is checked:
it is accepted only when it is the same program as the pruned template output (equal ASTs,
parsed from bytes as Python reads them, standalone strings compared as black's own safety
check compares them). A text that passes is what black made, or differs from it only in
layout; anything else is a miss. Modules that need no black are not cached at all: checking a
cached text costs more than pruning them again.
"""

from __future__ import annotations

import ast
import os
import re
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import PackageNotFoundError, version

from generator.build.cache import Store
from generator.python.pysource import black_stable, wrap

BLACK_LINE_LENGTH = 100


class FormatError(Exception):
    """Generated code that black cannot read, or that lost its header (a template bug)."""


def format_python(sources: dict[str, str], *, cache: bool = True) -> dict[str, str]:
    """Prune imports and black every source (with `cache`, reusing black's checked cached
    results), on both cores when there are many."""
    if not sources:
        return {}
    store = Store("format")
    # The installed version, not `black.__version__`: importing black costs more than most runs.
    mode = f"black-{installed_version('black')}-{BLACK_LINE_LENGTH}-py310"
    hashes: dict[str, str] = {}
    items: list[tuple[str, str, str]] = []
    for path, source in sorted(sources.items()):
        hashes[path], unhashed = _unhashed(source)
        items.append((path, unhashed, store.key(mode, unhashed)))
    jobs = [(source, key if cache else None) for _, source, key in items]
    if len(items) > 8 and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4)) as pool:
            outputs = list(pool.map(_finish, jobs, chunksize=8))
    else:
        outputs = [_finish(job) for job in jobs]
    return {path: _hashed(output, hashes[path]) for (path, _, _), output in zip(items, outputs, strict=True)}


def _finish(job: tuple[str, str | None]) -> str:
    """One module: pruned, then black's layout (from the cache when a checked entry is there;
    `key` None: no cache)."""
    source, key = job
    pruned = prune_unused_imports(source)
    if black_stable(pruned):
        return pruned
    if key is None:
        return _black(pruned)
    store = Store("format")
    cached = store.get(key)
    if cached is not None:
        try:
            text = cached.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and same_program(pruned, text):
            return text
    output = _black(pruned)
    store.put(key, output.encode("utf-8"))
    return output


def same_program(expected: str, candidate: str) -> bool:
    """Whether `candidate` is `expected` laid out differently: the same first line (the
    generated header), and the same AST once standalone strings are normalised as black's
    equivalence check normalises them. `candidate` is parsed from its UTF-8 bytes, as the
    interpreter reads the written file, so a coding declaration cannot hide code in a comment."""
    if candidate.partition("\n")[0] != expected.partition("\n")[0]:
        return False
    try:
        theirs = ast.parse(candidate.encode("utf-8"))
    except (SyntaxError, ValueError, UnicodeEncodeError, RecursionError, MemoryError):
        return False
    return _normalized_dump(ast.parse(expected)) == _normalized_dump(theirs)


def _normalized_dump(tree: ast.AST) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            # Black re-indents docstrings and strips their lines (as `black.parsing` compares them).
            lines = [line.strip() for line in node.value.value.splitlines()]
            node.value.value = "\n".join(lines).strip()
        if isinstance(node, ast.Constant):
            node.kind = None  # a `u` prefix black drops
    return ast.dump(tree)


def prune_unused_imports(source: str) -> str:
    """Drop names a generated module imports but never uses (templates import generously)."""
    tree = ast.parse(source)
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    used |= {node.value.id for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)}
    exported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            exported = {elt.value for elt in getattr(node.value, "elts", []) if isinstance(elt, ast.Constant) and isinstance(elt.value, str)}
    lines = source.split("\n")
    for node in reversed(tree.body):
        if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
            continue
        kept = sorted(
            (alias for alias in node.names if (alias.asname or alias.name) in used | exported),
            key=lambda a: _isort_key(a.asname or a.name),
        )
        start, end = node.lineno - 1, (node.end_lineno or node.lineno)
        if not kept:
            del lines[start:end]
            if 0 < start < len(lines) and not lines[start].strip() and not lines[start - 1].strip():
                del lines[start]
        else:
            names = [a.name + (f" as {a.asname}" if a.asname else "") for a in kept]
            head = f"from {'.' * node.level}{node.module or ''} import "
            statement = wrap(head, names, "", "()")
            if "\n" not in statement:
                statement = head + ", ".join(names)  # one line: no parentheses
            elif not statement.endswith(",\n)"):
                # Black explodes a parenthesized import that does not fit: one name per line.
                statement = head + "(\n" + "".join(f"    {name},\n" for name in names) + ")"
            lines[start:end] = statement.split("\n")
    return "\n".join(lines)


def _isort_key(name: str) -> tuple[int, list[int | str]]:
    """isort's order-by-type within an import: CONSTANTS, then Classes, then functions; digit
    runs compare as numbers (`Foo_903b0f` before `Foo_1531b8`), as ruff sorts them."""
    natural: list[int | str] = [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
    if name.isupper() and len(name) > 1:
        return (0, natural)
    return (1, natural) if name[:1].isupper() else (2, natural)


_HEADER_HASH = re.compile(r"# Generated by falgen [^\n]* from spec ([0-9a-f]{12})\.")
_NO_HASH = "0" * 12


def _unhashed(source: str) -> tuple[str, str]:
    """(spec hash, source with the header's spec hash zeroed). Any spec change changes the hash
    of the package `__init__` (thousands of lines black must lay out); the formatted rest does
    not depend on it (a one-line comment of fixed width), so the format cache ignores it."""
    match = _HEADER_HASH.match(source)
    if match is None:
        return "", source
    return match.group(1), source[: match.start(1)] + _NO_HASH + source[match.end(1) :]


def _hashed(output: str, spec: str) -> str:
    if not spec:
        return output
    match = _HEADER_HASH.match(output)
    if match is None or match.group(1) != _NO_HASH:  # the formatter kept the header as it is
        raise FormatError(f"formatting lost the generated header:\n{output[:200]}")
    return output[: match.start(1)] + spec + output[match.end(1) :]


def _black(source: str) -> str:
    import black  # lazy: ~180 ms, and the templates lay out most files themselves

    mode = black.Mode(target_versions={black.TargetVersion.PY310}, line_length=BLACK_LINE_LENGTH)
    try:
        return black.format_str(source, mode=mode)
    except black.InvalidInput as error:  # A template bug, never doc text: report it loudly.
        raise FormatError(f"generated code does not parse: {error}\n{source}") from error


def installed_version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"
