"""Public names never move: `names.lock.json` keeps every endpoint's and shared type's name.

Each test starts from the committed specs, generates (which records the names), changes the
specs as the docs could, generates again, and checks what users import is still there; and
that a rename that does happen (the lock edited or removed) is reported as breaking by
`falgen diff` and `falgen check`.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.ir import Endpoint
from generator.python.namelock import LOCK_FILE, LockError, NameLock, read_lock
from tests.build.test_incremental_generate import edit, falgen_generate, load, nested, save
from tests.conftest import falgen

pytestmark = pytest.mark.slow  # whole-corpus generate runs and falgen subprocesses

KLING = "fal-ai__kling-video__v2.1__master__text-to-video.json"
KLING_ID = "fal-ai/kling-video/v2.1/master/text-to-video"
NAMESAKE_ID = "fal-ai/kling-video/v2-1/master/text-to-video"
"""Sanitizes to KLING_ID's module and class, and sorts before it (`-` < `.`)."""


@pytest.fixture
def workspace(seed_specs: Path, tmp_path: Path) -> Path:
    shutil.copytree(seed_specs, tmp_path / "specs")
    return tmp_path


def catalog(out: Path) -> dict[str, dict[str, Any]]:
    entries = json.loads((out / "fal_bindings" / "_catalog.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in entries}


def lock_of(out: Path) -> NameLock:
    lock = read_lock(out / LOCK_FILE)
    assert lock is not None
    return lock


def add_namesake(specs: Path, kling: Endpoint | None = None) -> None:
    endpoint = (kling or load(specs, KLING)).model_copy(deep=True)
    endpoint.id = NAMESAKE_ID
    save(specs, endpoint)


def generate(workspace: Path, out: str = "out") -> Path:
    falgen_generate(workspace / "specs", workspace / out, workspace / "cache")
    return workspace / out


def test_a_namesake_endpoint_takes_the_suffix_and_the_existing_names_stay(workspace: Path) -> None:
    out = generate(workspace)
    before = catalog(out)[KLING_ID]
    assert (before["module"], before["class"]) == ("fal_bindings.endpoints.fal_ai.kling_video.v2_1.master.text_to_video", "KlingVideoV21MasterTextToVideo")
    add_namesake(workspace / "specs")
    generate(workspace)
    after = catalog(out)
    assert (after[KLING_ID]["module"], after[KLING_ID]["class"]) == (before["module"], before["class"])
    newcomer = after[NAMESAKE_ID]
    assert newcomer["module"].startswith("fal_bindings.endpoints.fal_ai.kling_video.v2_1.master.text_to_video_")
    assert newcomer["class"].startswith("KlingVideoV21MasterTextToVideo_")
    module = out / "fal_bindings/endpoints/fal_ai/kling_video/v2_1/master/text_to_video.py"
    assert f'ENDPOINT_ID = "{KLING_ID}"' in module.read_text(encoding="utf-8")
    # Without the lock the newcomer (first by id) would have taken the names: the lock is what keeps them.
    (out / LOCK_FILE).unlink()
    generate(workspace)
    assert catalog(out)[KLING_ID]["module"] != before["module"]


def test_a_removed_endpoint_keeps_its_names_reserved_and_gets_them_back(workspace: Path) -> None:
    specs = workspace / "specs"
    out = generate(workspace)
    before = catalog(out)[KLING_ID]
    kling = load(specs, KLING)
    (specs / KLING).unlink()
    add_namesake(specs, kling)
    generate(workspace)
    assert lock_of(out).endpoints[KLING_ID].removed
    newcomer = catalog(out)[NAMESAKE_ID]
    assert newcomer["module"] != before["module"] and newcomer["class"] != before["class"]  # never silently reused
    save(specs, kling, KLING)
    generate(workspace)
    again = catalog(out)[KLING_ID]
    assert (again["module"], again["class"]) == (before["module"], before["class"])
    assert not lock_of(out).endpoints[KLING_ID].removed


def _image_size_differs(endpoint: Endpoint) -> None:
    nested(endpoint, "ImageSize").fields[0].default = 1024


def test_a_new_structure_under_a_shared_doc_name_takes_the_suffix(workspace: Path) -> None:
    specs = workspace / "specs"
    out = generate(workspace)
    image_size = out / "fal_bindings/types/image_size.py"
    assert "class ImageSize(" in image_size.read_text(encoding="utf-8")
    edit(specs, "fal-ai__flux-2__lora__edit.json", _image_size_differs)
    generate(workspace)
    assert "class ImageSize(" in image_size.read_text(encoding="utf-8")  # fresh naming: ImageSize_<hash6>
    newcomers = [name for name in lock_of(out).types if name.startswith("ImageSize_")]
    assert len(newcomers) == 1
    lora = (out / "fal_bindings/endpoints/fal_ai/flux_2/lora/edit.py").read_text(encoding="utf-8")
    assert _imports_type(lora, lock_of(out).types[newcomers[0]].module)


def test_a_changed_structure_keeps_its_name(workspace: Path) -> None:
    """`Image_4b97f5` (one of two `Image` structures) changes everywhere: it keeps its name."""
    specs = workspace / "specs"
    out = generate(workspace)
    lock = lock_of(out)
    old_fingerprint = lock.types["Image_4b97f5"].fingerprint
    users = [p.name for p in sorted(specs.glob("*.json")) if _imports_type(_module_text(out, p), "image_4b97f5")]
    assert users
    for name in users:
        edit(specs, name, lambda e: nested(e, "Image").fields.append(nested(e, "Image").fields[0].model_copy(update={"name": "extra"})))
    generate(workspace)
    entry = lock_of(out).types["Image_4b97f5"]
    assert entry.fingerprint != old_fingerprint and not entry.removed
    assert _defines(out / "fal_bindings/types/image_4b97f5.py", "Image_4b97f5")


def _imports_type(module_text: str, type_module: str) -> bool:
    """Whether an endpoint module imports from the shared type module (it names the class by its
    friendly name, `ImageSize`, unless two imported types share one)."""
    return f"from fal_bindings.types.{type_module} import " in module_text


def _defines(path: Path, public: str) -> bool:
    """Whether a type module defines the public (lock) name: as the class, or as the alias of the
    class defined under its friendly name (`ImageSize_ca38bf = ImageSize`)."""
    text = path.read_text(encoding="utf-8")
    return re.search(rf"^(class {public}\(|{public} = )", text, re.M) is not None


def _module_text(out: Path, spec: Path) -> str:
    entry = catalog(out).get(load(spec.parent, spec.name).id)
    if entry is None:
        return ""
    path = out / (entry["module"].replace(".", "/") + ".py")
    return (path if path.exists() else path.with_suffix("") / "__init__.py").read_text(encoding="utf-8")


def test_the_lock_is_a_fixed_point_sorted_and_reviewable(workspace: Path) -> None:
    out = generate(workspace)
    text = (out / LOCK_FILE).read_text(encoding="utf-8")
    assert text == (generate(workspace, "fresh") / LOCK_FILE).read_text(encoding="utf-8")  # no lock: the same lock
    assert NameLock.loads(text, "x").dumps() == text
    assert text.isascii()
    data = json.loads(text)
    assert list(data["endpoints"]) == sorted(data["endpoints"]) and list(data["types"]) == sorted(data["types"])
    add_namesake(workspace / "specs")
    generate(workspace)
    once = (out / LOCK_FILE).read_text(encoding="utf-8")
    falgen_generate(workspace / "specs", out, workspace / "cache", "--force")
    assert (out / LOCK_FILE).read_text(encoding="utf-8") == once


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: "{not json", "not valid JSON"),
        (lambda data: {**data, "version": 2}, "version 2"),
        (lambda data: _endpoint(data, "fal-ai/flux-2", {"class": "_Endpoint"}), "endpoints[\"fal-ai/flux-2\"].class"),
        (lambda data: _endpoint(data, "fal-ai/flux-2", {"class": "class"}), "not a usable endpoint class name"),
        (lambda data: _endpoint(data, "fal-ai/flux-2", {"class": "Imagen4Preview"}), "also the class"),
        (lambda data: _endpoint(data, "fal-ai/flux-2", {"module": "fal_ai.imagen4.preview"}), "also the module"),
        (lambda data: _endpoint(data, "fal-ai/flux-2", {"module": "fal-ai.x"}), "dotted module path"),
        (lambda data: _endpoint(data, "fal-ai/flux-2", {"extra": 1}), "unknown key"),
        (lambda data: {**data, "types": []}, "types: expected an object"),
    ],
)
def test_a_damaged_lock_is_a_clear_error_never_fresh_names(workspace: Path, change: Any, message: str) -> None:
    out = generate(workspace)
    data = json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))
    changed = change(data)
    (out / LOCK_FILE).write_text(changed if isinstance(changed, str) else json.dumps(changed), encoding="utf-8")
    damaged = (out / LOCK_FILE).read_bytes()
    result = CliRunner().invoke(cli, ["generate", "--specs", str(workspace / "specs"), "--out", str(out), "--force"], env={"FALGEN_CACHE": str(workspace / "cache")})
    assert result.exit_code == 1, result.output
    assert str(out / LOCK_FILE) in result.output and message in result.output, result.output
    assert "Traceback" not in result.output
    assert (out / LOCK_FILE).read_bytes() == damaged
    with pytest.raises(LockError):
        read_lock(out / LOCK_FILE)


def _endpoint(data: dict[str, Any], endpoint_id: str, update: dict[str, Any]) -> dict[str, Any]:
    data["endpoints"][endpoint_id] = {**data["endpoints"][endpoint_id], **update}
    return data


# -- renames are reported --------------------------------------------------------------------


def _diff(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["diff", *args, "--json", "--fail-on", "breaking"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def test_diff_reports_a_namesake_as_non_breaking_over_the_lock_and_a_removed_lock_as_breaking(workspace: Path) -> None:
    out = generate(workspace)
    shutil.copytree(workspace / "specs", workspace / "old")
    shutil.copy(out / LOCK_FILE, workspace / "old.lock.json")
    add_namesake(workspace / "specs")
    generate(workspace)
    old, new = str(workspace / "old"), str(workspace / "specs")
    code, report = _diff(old, new, "--old-lock", str(workspace / "old.lock.json"), "--lock", str(out / LOCK_FILE))
    assert code == 0 and report["counts"]["breaking"] == 0, report
    assert [c["kind"] for c in report["changes"]] == ["endpoint-added"]
    # The lock removed: the names are chosen afresh, the existing endpoint moves -> breaking.
    code, report = _diff(old, new, "--old-lock", str(workspace / "old.lock.json"))
    moved = [c for c in report["changes"] if c["kind"] == "endpoint-renamed"]
    assert code == 1 and [c["endpoint"] for c in moved] == [KLING_ID], report
    assert moved[0]["verdict"] == "breaking"
    assert moved[0]["old"] == "fal_bindings.endpoints.fal_ai.kling_video.v2_1.master.text_to_video.KlingVideoV21MasterTextToVideo"
    # Neither side locked (names chosen afresh on both, as generate would): still a rename.
    code, report = _diff(old, new)
    assert code == 1 and [c["endpoint"] for c in report["changes"] if c["kind"] == "endpoint-renamed"] == [KLING_ID]


def test_diff_reports_a_shared_type_whose_name_moves(workspace: Path) -> None:
    out = generate(workspace)
    lock = lock_of(out)
    lock.types["ImageSizeRenamed"] = lock.types.pop("ImageSize")
    (workspace / "edited.lock.json").write_text(lock.dumps(), encoding="utf-8")
    specs = str(workspace / "specs")
    code, report = _diff(specs, specs, "--old-lock", str(out / LOCK_FILE), "--lock", str(workspace / "edited.lock.json"))
    assert code == 1
    assert [(c["endpoint"], c["kind"], c["old"], c["new"]) for c in report["changes"]] == [
        ("fal_bindings.types", "type-renamed", "fal_bindings.types.image_size.ImageSize", "fal_bindings.types.image_size.ImageSizeRenamed")
    ]
def test_check_reports_a_moved_name_as_breaking(small_project_copy: Path) -> None:
    project_copy = small_project_copy
    lock_path = project_copy / "generated" / LOCK_FILE
    data = json.loads(lock_path.read_text(encoding="utf-8"))
    data["endpoints"]["fal-ai/flux-2"]["class"] = "Flux2Renamed"
    lock_path.write_text(json.dumps(data), encoding="utf-8")
    done = falgen("check", cwd=project_copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Public names that would move" in done.stdout
    assert "BREAKING" in done.stdout and "Flux2Renamed" in done.stdout, done.stdout
    lock_path.unlink()
    done = falgen("check", cwd=project_copy)
    assert done.returncode == 1 and f"{LOCK_FILE} is missing" in done.stdout, done.stdout


def test_a_cycle_that_parts_gives_each_type_its_own_module(workspace: Path) -> None:
    """ImageSize <-> LoRAInput in one endpoint: that ImageSize is a new structure (the old one
    stays in use elsewhere), LoRAInput's changed; both live in LoRAInput's module. When the
    cycle parts, LoRAInput keeps its module and the other takes a new one."""
    from tests.build.test_incremental_generate import LORA_EDIT, types_form_a_cycle

    specs = workspace / "specs"
    out = generate(workspace)
    types_form_a_cycle(specs)
    generate(workspace)
    lock = lock_of(out)
    (cycle_size,) = [name for name in lock.types if name.startswith("ImageSize_")]
    assert (lock.types["ImageSize"].module, lock.types["LoRAInput"].module) == ("image_size", "lo_ra_input")
    assert lock.types[cycle_size].module == "lo_ra_input"
    edit(specs, LORA_EDIT, lambda e: nested(e, "LoRAInput").fields.pop())
    generate(workspace)
    lock = lock_of(out)
    assert (lock.types["ImageSize"].module, lock.types["LoRAInput"].module) == ("image_size", "lo_ra_input")
    assert lock.types[cycle_size].module not in ("image_size", "lo_ra_input")
    assert _defines(out / f"fal_bindings/types/{lock.types[cycle_size].module}.py", cycle_size)
    assert not _defines(out / "fal_bindings/types/lo_ra_input.py", cycle_size)
def test_diff_base_reads_the_lock_committed_at_the_revision_and_the_working_trees(workspace: Path) -> None:
    from tests.tools.test_diff_cli import _git

    repo = workspace / "repo"
    shutil.copytree(workspace / "specs", repo / "specs" / "openapi")
    falgen_generate(repo / "specs" / "openapi", repo / "generated", workspace / "cache")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "package")
    add_namesake(repo / "specs" / "openapi")
    falgen_generate(repo / "specs" / "openapi", repo / "generated", workspace / "cache")
    done = falgen("diff", "--base", "HEAD", "openapi", "--json", "--fail-on", "breaking", cwd=repo / "specs")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [c["kind"] for c in json.loads(done.stdout)["changes"]] == ["endpoint-added"]
    (repo / "generated" / LOCK_FILE).unlink()  # generate would now choose every name afresh
    done = falgen("diff", "--base", "HEAD", "--json", "--fail-on", "breaking", cwd=repo)
    assert done.returncode == 1, done.stdout + done.stderr
    moved = [c for c in json.loads(done.stdout)["changes"] if c["kind"] == "endpoint-renamed"]
    assert [(c["endpoint"], c["verdict"]) for c in moved] == [(KLING_ID, "breaking")]
    (repo / "generated" / LOCK_FILE).write_text("{", encoding="utf-8")
    done = falgen("diff", "--base", "HEAD", cwd=repo)
    assert done.returncode == 2 and "not valid JSON" in done.stderr, done.stderr
def test_a_recorded_endpoint_class_and_a_recorded_type_of_one_name_share_a_module(tmp_path: Path) -> None:
    """`fal-ai/widget` (class `Widget`) starts using the shared type `Widget`: neither name may
    move, so its module imports the type under a private alias."""
    import subprocess
    import sys

    from generator.core.ir import Property as Field_
    from generator.core.ir import Schema, TypeExpr
    from generator.render.generate import render_package, write_tree
    from generator.spec.write import write_specs

    widget = Schema(name="Widget", fields=[Field_(name="size", type=TypeExpr(kind="integer"), required=True)])

    def endpoint(endpoint_id: str, uses_widget: bool) -> Endpoint:
        fields = [Field_(name="prompt", type=TypeExpr(kind="string"), required=True)]
        if uses_widget:
            fields.append(Field_(name="widget", type=TypeExpr(kind="ref", ref="Widget")))
        return Endpoint(
            id=endpoint_id,
            input=Schema(name="In", fields=fields),
            output=Schema(name="Out", fields=[Field_(name="text", type=TypeExpr(kind="string"), required=True)]),
            types=[widget] if uses_widget else [],
        )

    write_specs([endpoint("fal-ai/widget", False), endpoint("fal-ai/other", True)], tmp_path / "v1")
    first = render_package(tmp_path / "v1").files
    lock = NameLock.loads(first[LOCK_FILE], "v1")
    assert lock.endpoints["fal-ai/widget"].class_name == "Widget" and "Widget" in lock.types
    write_specs([endpoint("fal-ai/widget", True), endpoint("fal-ai/other", True)], tmp_path / "v2")
    files = render_package(tmp_path / "v2", lock).files
    assert files[LOCK_FILE] == first[LOCK_FILE]
    module = files["fal_bindings/endpoints/fal_ai/widget.py"]
    assert "from fal_bindings.types.widget import Widget as _Widget" in module and "class Widget(_Endpoint[" in module
    write_tree(files, tmp_path / "generated")
    script = (
        f"import sys; sys.path.insert(0, {str(tmp_path / 'generated')!r})\n"
        "import fal_bindings\n"
        "cls = fal_bindings.registry.endpoint_class('fal-ai/widget')\n"
        "assert cls.__name__ == 'Widget'\n"
        "value = cls.input_model.model_validate({'prompt': 'p', 'widget': {'size': 3}})\n"
        "from fal_bindings.types.widget import Widget\n"
        "assert isinstance(value.widget, Widget)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stdout + done.stderr
