"""The generate stage: specs -> IR -> views -> Jinja templates -> formatter -> `generated/`.

`templates/package/` mirrors the output tree: `*.jinja` files are rendered (the
`__endpoint__`/`__type__` ones once per endpoint / shared type), everything else is
hand-written runtime code copied verbatim (`copies`). Output is deterministic; only changed
files are written, each atomically, into a folder falgen owns (`writer`, `generator.build.output`).
What a run may reuse is in `state`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.build.output import OutputFolder
from generator.core.ir import Endpoint
from generator.python.layout import DecisionRecord, Layout, RecordingDecisions
from generator.python.namelock import LOCK_FILE, LockError, NameLock, read_lock
from generator.python.package import endpoint_view, shared_module
from generator.python.views import catalog
from generator.render.copies import copied_text
from generator.render.environment import HEADER, METADATA_HEADER, METADATA_TEMPLATES, TEMPLATES, environment
from generator.render.formatting import FormatError, format_python
from generator.render.fragments import options_context
from generator.render.inputs import DEFAULT_VERSION, RenderError, SpecFile, Stats, index_specs, read_specs
from generator.render.shipped import shipped_spec
from generator.render.state import GenerateState, ModuleRecord
from generator.render.writer import TreeContent, TreeOnDisk, write_content

__all__ = ["GenerateReport", "PackageFiles", "generate", "render_package", "write_tree"]


@dataclass
class PackageFiles:
    """A generated tree in memory (what `falgen check` compares with the committed one)."""

    files: dict[str, str]
    """Relative path -> content, for every file of the generated tree."""


@dataclass
class GenerateReport:
    """What one `generate` into a folder made."""

    paths: list[str]
    """Every file of the generated tree (relative paths)."""
    stats: Stats


def write_tree(files: dict[str, str], out: Path) -> None:
    """Make `out` hold `files` (and no other file an earlier falgen run wrote there)."""
    data = {relative: content.encode("utf-8") for relative, content in files.items()}
    with OutputFolder(out) as folder:
        write_content(folder, {relative: (hashlib.sha256(d).hexdigest(), d) for relative, d in data.items()}, TreeOnDisk(folder.root))


def render_package(specs: Path, lock: NameLock | None = None, version: str = DEFAULT_VERSION) -> PackageFiles:
    """The whole generated tree, in memory, without reading or writing the cache (what
    `falgen check` compares with the committed tree); `lock`: the names lock it keeps (none:
    every name is chosen afresh). The tree holds the lock after this render (`names.lock.json`)."""
    content, _ = _RenderRun(specs, GenerateState(None), None, lock, cache=False, version=version).run()
    return PackageFiles(files={path: data.decode("utf-8") for path, (_, data) in content.items() if data is not None})




class _RenderRun:
    """One render of a spec directory: reuses what `state` says `tree` holds and is still
    right, and leaves in `state` what the next run needs."""

    def __init__(
        self, specs: Path, state: GenerateState, tree: TreeOnDisk | None, lock: NameLock | None = None, *, cache: bool = True, version: str = DEFAULT_VERSION
    ) -> None:
        self.specs = specs
        self.version = version
        self.lock = lock
        self.cache = cache
        self.state = state
        self.tree = tree
        self.stats = Stats()
        self.content: TreeContent = {}
        self.unformatted: dict[str, str] = {}
        """Text the templates made (or copies), still to be formatted (Python) and hashed."""
        self.context = {**options_context(), "version": __version__}
        self.shipped: dict[str, tuple[str, str]] = {}
        """Spec copy path -> (sha256 of the spec, sha256 of the copy), kept in the state."""

    def run(self) -> tuple[TreeContent, Stats]:
        files, self.irs = read_specs(self.specs, self.state, self.stats)
        summaries, self.origins, documents = index_specs(files)
        package = hashlib.sha256()
        for endpoint_id in sorted(s.id for s in summaries):
            package.update(documents[endpoint_id].data)
        self.layout = Layout(summaries, {i: (f.digest[:12], f.name) for i, f in documents.items()}, package.hexdigest()[:12], self.lock)
        self.env = environment()
        self.package_files()
        self.spec_copies(documents.values())
        pending = self.modules()
        self.format()
        for path, (slot, decisions) in pending.items():
            self.state.records[slot] = ModuleRecord(decisions, path, self.content[path][0])
        return self.content, self.stats

    def spec_copies(self, files: Iterable[SpecFile]) -> None:
        """The reduced, minified spec copies the package ships (`shipped`); one whose spec is
        unchanged and whose file the tree still holds is not made again."""
        for f in files:
            path = f"fal_bindings/_specs/{f.name}"
            known = self.state.formatted.get(path)
            if known is not None and known[0] == f.digest and self.tree is not None and self.tree.holds(path, known[1]):
                self.content[path] = (known[1], None)
                self.shipped[path] = known
                continue
            data = shipped_spec(f.data)
            sha = hashlib.sha256(data).hexdigest()
            self.content[path] = (sha, data)
            self.shipped[path] = (f.digest, sha)

    def package_files(self) -> None:
        """Hand-written runtime files, the package-wide templates, package `__init__`s and the
        catalogue: cheap, so made every run."""
        view = self.layout.view()
        view.version = self.version
        for template_path in sorted(TEMPLATES.rglob("*")):
            if template_path.is_dir() or "__pycache__" in template_path.parts or template_path.suffix == ".pyc":
                continue
            relative = template_path.relative_to(TEMPLATES).as_posix()
            if relative.endswith(("_macros.jinja", "__endpoint__.py.jinja", "__type__.py.jinja")):
                continue
            if relative.endswith(".jinja"):
                header = (METADATA_HEADER if relative in METADATA_TEMPLATES else HEADER).format(version=__version__, hash=view.spec_hash)
                self.unformatted[relative.removesuffix(".jinja")] = self.env.get_template(relative).render(package=view, header=header, **self.context)
                continue
            self.unformatted[relative] = copied_text(relative, template_path.read_text(encoding="utf-8"))
        modules = {"fal_bindings/" + e.file for e in self.layout.entries.values()}
        modules |= {f"fal_bindings/types/{self.layout.table.modules[c[0]]}.py" for c in self.layout.components}
        for package_dir in view.packages:
            init = f"fal_bindings/{package_dir}/__init__.py"
            if init in self.unformatted or init in modules:
                continue
            # Its content is its path alone, so is its hash: one changed spec rewrites no package file.
            header = HEADER.format(version=__version__, hash=hashlib.sha256(package_dir.encode()).hexdigest()[:12])
            self.unformatted[init] = f'{header}\n"""Generated package `fal_bindings.{package_dir.replace("/", ".")}`."""\n'
        self.unformatted["fal_bindings/_catalog.json"] = json.dumps(catalog(view), indent=1, ensure_ascii=False) + "\n"
        self.unformatted[LOCK_FILE] = self.layout.lock.dumps()

    def modules(self) -> dict[str, tuple[str, DecisionRecord]]:
        """Endpoint and shared-type modules: each one the tree holds, whose recorded answers
        still hold, is reused; the rest are rendered from the IRs they need (read now).
        Returns path -> (slot, decisions read) of the rendered ones."""
        layout, state, tree = self.layout, self.state, self.tree
        records = {}
        endpoint_todo: list[str] = []
        type_todo: list[list[str]] = []
        slots: list[tuple[str, str, str | None, list[str] | None]] = [(f"endpoint:{i}", "fal_bindings/" + e.file, i, None) for i, e in sorted(layout.entries.items())]
        slots += [(f"types:{','.join(c)}", f"fal_bindings/types/{layout.table.modules[c[0]]}.py", None, c) for c in layout.components]
        for slot, path, endpoint_id, component in slots:
            record = state.records.get(slot)
            # The recorded path is checked too: the state is read from the cache (foreign input).
            if record is not None and tree is not None and record.path == path and layout.unchanged(record.decisions) and tree.holds(path, record.sha):
                records[slot] = record
                self.content[record.path] = (record.sha, None)
                self.stats.reused += 1
            elif endpoint_id is not None:
                endpoint_todo.append(endpoint_id)
            elif component is not None:
                type_todo.append(component)
        state.records = records
        needed = set(endpoint_todo)
        for component in type_todo:
            for fingerprint in component:
                needed.update((layout.table.providers[fingerprint][0], layout.owners[fingerprint]))
        endpoints = {endpoint_id: self.endpoint(endpoint_id) for endpoint_id in sorted(needed)}
        pending: dict[str, tuple[str, DecisionRecord]] = {}
        for endpoint_id in endpoint_todo:
            decisions = RecordingDecisions(layout)
            view = endpoint_view(endpoints[endpoint_id], decisions)
            header = HEADER.format(version=__version__, hash=view.spec_hash)
            template = self.env.get_template("fal_bindings/endpoints/__endpoint__.py.jinja")
            self.unformatted["fal_bindings/" + view.file] = template.render(endpoint=view, header=header, **self.context)
            pending["fal_bindings/" + view.file] = (f"endpoint:{endpoint_id}", decisions.record)
        for component in type_todo:
            decisions = RecordingDecisions(layout)
            shared = shared_module(component, endpoints, decisions)
            header = HEADER.format(version=__version__, hash=hashlib.sha256(shared.fingerprint.encode()).hexdigest()[:12])
            template = self.env.get_template("fal_bindings/types/__type__.py.jinja")
            self.unformatted[f"fal_bindings/types/{shared.module}.py"] = template.render(shared=shared, header=header, **self.context)
            pending[f"fal_bindings/types/{shared.module}.py"] = (f"types:{','.join(component)}", decisions.record)
        self.stats.rendered = len(pending)
        return pending

    def endpoint(self, endpoint_id: str) -> Endpoint:
        """An endpoint's IR: read while summarizing its spec, or now."""
        origin = self.origins[endpoint_id]
        read = self.irs.get(origin.source)
        if read is None:
            read = self.irs[origin.source] = origin.read()
            self.stats.irs_read += 1
        return next(e for e in read if e.id == endpoint_id)

    def format(self) -> None:
        """Hash every text; Python goes through the formatter, unless the tree holds what
        the same template output became last time."""
        formatted: dict[str, tuple[str, str]] = {}
        python: dict[str, str] = {}
        for path, text in self.unformatted.items():
            if not (path.endswith(".py") and _is_generated(text)):
                data = text.encode("utf-8")
                self.content[path] = (hashlib.sha256(data).hexdigest(), data)
                continue
            raw = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
            known = self.state.formatted.get(path)
            if known is not None and known[0] == raw and self.tree is not None and self.tree.holds(path, known[1]):
                formatted[path] = known
                self.content[path] = (known[1], None)
            else:
                python[path] = text
        self.stats.formatted = len(python)
        try:
            results = format_python(python, cache=self.cache)
        except FormatError as error:
            raise RenderError(str(error)) from error
        for path, text in results.items():
            data = text.encode("utf-8")
            final = hashlib.sha256(data).hexdigest()
            formatted[path] = (hashlib.sha256(python[path].encode("utf-8", "surrogatepass")).hexdigest(), final)
            self.content[path] = (final, data)
        self.state.formatted = {**formatted, **self.shipped}


def _is_generated(text: str) -> bool:
    return text.startswith("# Generated by falgen")


def generate(specs: Path, out: Path, folder: OutputFolder | None = None, version: str = DEFAULT_VERSION) -> GenerateReport:
    """Render `specs` into `out` as version `version` of the package, reusing what the last run
    into `out` left valid. Without `folder` (the caller's hold on `out`), the run takes its own."""
    if folder is None:
        with OutputFolder(out) as held:
            return generate(specs, out, held, version)
    out = folder.root
    try:
        lock = read_lock(out / LOCK_FILE)  # the names earlier runs gave: they never move
    except LockError as error:
        raise RenderError(str(error)) from None
    state = GenerateState(out)
    if folder.interrupted:  # the last run died half-way: what it recorded is not trusted
        state.forget()
    tree = TreeOnDisk(out, state.manifest)
    content, stats = _RenderRun(specs, state, tree, lock, version=version).run()
    state.manifest = write_content(folder, content, tree, stats)
    state.save()
    return GenerateReport(paths=sorted(content), stats=stats)
