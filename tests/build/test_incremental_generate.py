"""Incremental `falgen generate`: after any change to the specs, a warm run writes exactly the
tree that a forced render into a fresh directory with an empty cache writes; a run with nothing
changed reads, renders and formats nothing; a hand-edited or deleted output file comes back."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.ir import Endpoint, Provenance, Schema, TypeExpr
from generator.core.ir import Property as Field_
from generator.core.names import spec_file_name
from generator.python.namelock import LOCK_FILE
from generator.render import generate as render
from generator.spec.read import read_openapi_file
from generator.spec.write import endpoint_to_openapi, render_spec
from generator.tools.check import compare_trees

pytestmark = pytest.mark.slow  # every test renders the corpus several times (seconds each)

LORA_EDIT = "fal-ai__flux-2__lora__edit.json"
KLEIN_BASE = "fal-ai__flux-2__klein__4b__base.json"


# -- helpers -------------------------------------------------------------------------------


def falgen_generate(specs: Path, out: Path, cache: Path, *options: str) -> str:
    result = CliRunner().invoke(cli, ["generate", "--specs", str(specs), "--out", str(out), *options], env={"FALGEN_CACHE": str(cache)})
    assert result.exit_code == 0, result.output
    return result.output


def reference(specs: Path, where: Path, names: Path) -> Path:
    """A forced render into a fresh directory with an empty cache, over the names lock the
    incremental run left in `names` (a lock is a fixed point: rendering over the lock a run
    wrote gives that run's names)."""
    out = where / "reference"
    out.mkdir(parents=True)
    shutil.copy(names / LOCK_FILE, out / LOCK_FILE)
    falgen_generate(specs, out, where / "reference-cache", "--force", "--take-ownership")
    return out


def assert_same_tree(expected: Path, actual: Path) -> None:
    """`actual` holds what `expected` holds (files falgen did not write into `actual` aside)."""
    diff = compare_trees(actual, expected)
    assert diff.clean, f"missing {diff.added}, not expected {diff.removed}, changed {diff.changed}"


def load(specs: Path, name: str) -> Endpoint:
    endpoints, _ = read_openapi_file(specs / name)
    return endpoints[0]


def save(specs: Path, endpoint: Endpoint, name: str | None = None) -> None:
    (specs / (name or spec_file_name(endpoint.id))).write_bytes(render_spec(endpoint_to_openapi(endpoint)))


def edit(specs: Path, name: str, change: Callable[[Endpoint], None]) -> None:
    endpoint = load(specs, name)
    change(endpoint)
    save(specs, endpoint, name)


def rename_type(endpoint: Endpoint, old: str, new: str) -> None:
    def rename(t: TypeExpr) -> None:
        if t.kind == "ref" and t.ref == old:
            t.ref = new
        for child in [*(t.variants or []), *([t.items] if t.items else [])]:
            rename(child)

    for schema in endpoint.all_schemas():
        if schema.name == old:
            schema.name = new
        for f in schema.fields:
            rename(f.type)


def nested(endpoint: Endpoint, name: str) -> Schema:
    schema = endpoint.type(name)
    assert schema is not None, name
    return schema


def replace_text(specs: Path, name: str, old: str, new: str) -> None:
    path = specs / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- mutations: each leaves valid specs ----------------------------------------------------


def change_a_default(specs: Path) -> None:
    replace_text(specs, LORA_EDIT, '"default": 28', '"default": 29')


def change_an_endpoint_description(specs: Path) -> None:
    edit(specs, LORA_EDIT, lambda e: setattr(e, "description", "A new description of the endpoint."))


def change_a_shared_type_description(specs: Path) -> None:
    # Every copy of the type, so whichever endpoint provides the class's text shows it.
    for path in sorted(specs.glob("*.json")):
        if load(specs, path.name).type("ImageSize") is not None:
            edit(specs, path.name, lambda e: setattr(nested(e, "ImageSize"), "description", "Width and height, in pixels."))


def add_an_endpoint(specs: Path) -> None:
    endpoint = load(specs, LORA_EDIT)
    endpoint.id = "fal-ai/flux-2/lora/edit-copy"
    save(specs, endpoint)


def add_an_endpoint_that_makes_a_module_a_package(specs: Path) -> None:
    # `imagen4/preview.py` becomes `imagen4/preview/__init__.py`.
    endpoint = load(specs, "fal-ai__imagen4__preview.json")
    endpoint.id = "fal-ai/imagen4/preview/fast"
    save(specs, endpoint)


def remove_an_endpoint(specs: Path) -> None:
    (specs / "fal-ai__flux-2__klein__realtime.json").unlink()  # the only user of RawImage


def two_types_share_a_doc_name(specs: Path) -> None:
    # `Video` (creatify) and the former `VideoFile` differ: the newcomer gets a hash suffix
    # (without a names lock both would).
    edit(specs, "fal-ai__sora-2__text-to-video__pro.json", lambda e: rename_type(e, "VideoFile", "Video"))


def change_a_nested_type(specs: Path) -> None:
    # One endpoint's ImageSize gets another default: a second structure of a shared doc name.
    def change(endpoint: Endpoint) -> None:
        nested(endpoint, "ImageSize").fields[0].default = 1024

    edit(specs, LORA_EDIT, change)


def a_type_takes_an_enum_alias_name(specs: Path) -> None:
    # Modules naming an enum `AccelerationEnum` must now call it `AccelerationEnumValues`.
    edit(specs, KLEIN_BASE, lambda e: rename_type(e, "Timings", "AccelerationEnum"))


def a_type_takes_the_endpoint_class_name(specs: Path) -> None:
    edit(specs, LORA_EDIT, lambda e: rename_type(e, "LoRAInput", "Flux2LoraEdit"))


def a_type_takes_another_endpoints_class_name(specs: Path) -> None:
    edit(specs, LORA_EDIT, lambda e: rename_type(e, "LoRAInput", "Imagen4Preview"))


def a_new_type_takes_a_types_module_name(specs: Path) -> None:
    # `IMAGESize` sorts before `ImageSize`; without a names lock it takes `image_size` and
    # `ImageSize` moves to `image_size_2`; with one, the newcomer gets `image_size_2`.
    edit(specs, "fal-ai__flux-krea-lora__stream.json", lambda e: rename_type(e, "Timings", "IMAGESize"))


def a_cycle_member_gets_a_namesake(specs: Path) -> None:
    # After `types_form_a_cycle`: LoRAInput gets a hash suffix but stays in the cycle's module.
    edit(specs, "fal-ai__flux-krea-lora__stream.json", lambda e: rename_type(e, "Timings", "LoRAInput"))


def types_form_a_cycle(specs: Path) -> None:
    # ImageSize <-> LoRAInput: one module holds both.
    def change(endpoint: Endpoint) -> None:
        size, lora = nested(endpoint, "ImageSize"), nested(endpoint, "LoRAInput")
        size.fields.append(Field_(name="lora", type=TypeExpr(kind="ref", ref="LoRAInput")))
        lora.fields.append(Field_(name="size", type=TypeExpr(kind="ref", ref="ImageSize")))

    edit(specs, LORA_EDIT, change)


def bytes_change_but_not_structure(specs: Path) -> None:
    path = specs / LORA_EDIT
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=4) + "\n", encoding="utf-8")


def another_page_provides_a_shared_type(specs: Path) -> None:
    # Only the provenance (and the text) of one copy of a shared type change: it becomes the
    # earliest copy, so the class shows its description.
    def change(endpoint: Endpoint) -> None:
        timings = nested(endpoint, "Timings")
        timings.provenance = Provenance(file="specs/sources/000_first.txt", line=1)
        timings.description = "Timings, as the earliest page describes them."

    edit(specs, "fal-ai__flux-kontext-lora.json", change)


MUTATIONS = [
    change_a_default,
    change_an_endpoint_description,
    change_a_shared_type_description,
    add_an_endpoint,
    add_an_endpoint_that_makes_a_module_a_package,
    remove_an_endpoint,
    two_types_share_a_doc_name,
    change_a_nested_type,
    a_type_takes_an_enum_alias_name,
    a_type_takes_the_endpoint_class_name,
    a_type_takes_another_endpoints_class_name,
    a_new_type_takes_a_types_module_name,
    types_form_a_cycle,
    bytes_change_but_not_structure,
    another_page_provides_a_shared_type,
]


# -- tests ---------------------------------------------------------------------------------


@pytest.fixture
def workspace(seed_specs: Path, tmp_path: Path) -> Path:
    shutil.copytree(seed_specs, tmp_path / "specs")
    return tmp_path


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
def test_a_warm_run_after_a_change_writes_what_a_full_render_writes(workspace: Path, mutation: Callable[[Path], None]) -> None:
    specs, out, cache = workspace / "specs", workspace / "out", workspace / "cache"
    falgen_generate(specs, out, cache)
    mutation(specs)
    assert " 0 unchanged" not in falgen_generate(specs, out, cache)  # an incremental run
    assert_same_tree(reference(specs, workspace, out), out)


def test_mutations_one_after_another(workspace: Path) -> None:
    """The state each run leaves is right for the next run, whatever came before."""
    specs, out, cache = workspace / "specs", workspace / "out", workspace / "cache"
    falgen_generate(specs, out, cache)
    for step, mutation in enumerate(
        [
            change_a_default,
            two_types_share_a_doc_name,
            a_type_takes_an_enum_alias_name,
            add_an_endpoint_that_makes_a_module_a_package,
            types_form_a_cycle,
            a_cycle_member_gets_a_namesake,
            remove_an_endpoint,
            another_page_provides_a_shared_type,
        ]
    ):
        mutation(specs)
        falgen_generate(specs, out, cache)
        assert_same_tree(reference(specs, workspace / f"step-{step}", out), out)


def test_a_run_with_nothing_changed_reads_and_renders_nothing(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FALGEN_CACHE", str(workspace / "cache"))
    specs, out = workspace / "specs", workspace / "out"
    first = render.generate(specs, out).stats
    assert first.irs_read == first.summarized == len(list(specs.glob("*.json")))
    assert first.rendered > 0
    again = render.generate(specs, out).stats
    assert (again.summarized, again.irs_read, again.rendered, again.formatted) == (0, 0, 0, 0)
    assert again.reused == first.rendered
    # One spec changed: only its IR is read, only what it feeds is rendered.
    change_a_default(specs)
    changed = render.generate(specs, out).stats
    assert (changed.summarized, changed.irs_read) == (1, 1)
    assert 1 <= changed.rendered < first.rendered


def test_the_cli_skips_an_unchanged_tree_and_force_renders_nothing_new(workspace: Path) -> None:
    specs, out, cache = workspace / "specs", workspace / "out", workspace / "cache"
    falgen_generate(specs, out, cache)
    assert "is up to date" in falgen_generate(specs, out, cache)
    assert "endpoint and type modules: 0 rendered" in falgen_generate(specs, out, cache, "--force")


def test_hand_edited_deleted_and_added_files_are_put_right(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated files come back as generated; files and folders falgen did not write stay."""
    specs, out, cache = workspace / "specs", workspace / "out", workspace / "cache"
    falgen_generate(specs, out, cache)
    module = out / "fal_bindings/endpoints/fal_ai/flux_2/lora/edit.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# a local tweak\n", encoding="utf-8")
    (out / "fal_bindings/types/image_size.py").unlink()
    (out / "README.md").write_text("hand-written", encoding="utf-8")
    (out / "fal_bindings/_specs" / LORA_EDIT).write_text("{}", encoding="utf-8")
    (out / "fal_bindings/stray.py").write_text("x = 1\n", encoding="utf-8")
    (out / "fal_bindings/endpoints/empty/dir").mkdir(parents=True)
    falgen_generate(specs, out, cache)
    assert_same_tree(reference(specs, workspace, out), out)
    assert (out / "fal_bindings/stray.py").read_text(encoding="utf-8") == "x = 1\n"
    assert (out / "fal_bindings/endpoints/empty/dir").is_dir()
    # Only the two damaged modules were rendered again.
    module.write_text("damaged", encoding="utf-8")
    monkeypatch.setenv("FALGEN_CACHE", str(cache))
    stats = render.generate(specs, out).stats
    assert (stats.rendered, stats.irs_read) == (1, 1)
    assert_same_tree(reference(specs, workspace / "again", out), out)


def test_a_damaged_state_costs_time_only(workspace: Path) -> None:
    specs, out, cache = workspace / "specs", workspace / "out", workspace / "cache"
    falgen_generate(specs, out, cache)
    for state in (cache / "generate").iterdir():
        state.write_bytes(b"not a pickle")
    change_a_nested_type(specs)
    falgen_generate(specs, out, cache)
    assert_same_tree(reference(specs, workspace, out), out)


def test_two_output_directories_share_a_cache(workspace: Path) -> None:
    specs, cache = workspace / "specs", workspace / "cache"
    falgen_generate(specs, workspace / "one", cache)
    falgen_generate(specs, workspace / "two", cache)
    two_types_share_a_doc_name(specs)
    falgen_generate(specs, workspace / "one", cache)
    expected = reference(specs, workspace, workspace / "one")
    assert_same_tree(expected, workspace / "one")
    falgen_generate(specs, workspace / "two", cache)
    assert_same_tree(expected, workspace / "two")
