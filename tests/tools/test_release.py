"""The release path: the generated package's version kept in one file (specs/VERSION), and
`falgen release`, which bumps it by what changed for users since the last release tag and
writes the release's changelog entry."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.render.inputs import RenderError, package_version
from tests.conftest import ROOT
from tests.tools.conftest import KLEIN, replace_once, specs_from_text

# -- the version file --------------------------------------------------------------------------


def test_the_version_is_read_from_the_file_beside_the_specs(tmp_path: Path) -> None:
    specs = tmp_path / "openapi"
    specs.mkdir()
    assert package_version(specs) == "0.1.0"  # no file: the first version
    (tmp_path / "VERSION").write_text("1.4.0\n", encoding="utf-8")
    assert package_version(specs) == "1.4.0"
    for bad in ("1.4", "v1.4.0", "1.4.0\n1.5.0", "01.4.0", ""):
        (tmp_path / "VERSION").write_text(bad, encoding="utf-8")
        with pytest.raises(RenderError, match=r"VERSION: .* is not a MAJOR\.MINOR\.PATCH version"):
            package_version(specs)
    with pytest.raises(RenderError, match="no such version file"):
        package_version(specs, tmp_path / "missing")


def test_generate_renders_the_version_and_refuses_a_bad_one(tmp_path: Path) -> None:
    specs, out = tmp_path / "openapi", tmp_path / "generated"
    shutil.copytree(ROOT / "tests/golden/runtime/specs", specs)
    (tmp_path / "VERSION").write_text("3.2.1\n", encoding="utf-8")
    env = {"FALGEN_CACHE": str(tmp_path / "cache")}
    done = CliRunner().invoke(cli, ["generate", "--specs", str(specs), "--out", str(out)], env=env)
    assert done.exit_code == 0, done.output
    assert 'version = "3.2.1"' in (out / "pyproject.toml").read_text(encoding="utf-8")
    assert '__version__ = "3.2.1"' in (out / "fal_bindings/__init__.py").read_text(encoding="utf-8")
    (tmp_path / "VERSION").write_text("3.2\n", encoding="utf-8")
    bad = CliRunner().invoke(cli, ["generate", "--specs", str(specs), "--out", str(out)], env=env)
    assert bad.exit_code == 1 and "VERSION: '3.2' is not a MAJOR.MINOR.PATCH version" in bad.output


def test_the_project_keeps_its_version_in_specs_version() -> None:
    version = (ROOT / "specs/VERSION").read_text(encoding="utf-8").strip()
    assert f'version = "{version}"' in (ROOT / "generated/pyproject.toml").read_text(encoding="utf-8")


# -- falgen release, on a throw-away repository --------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=falgen-test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )


def _release(repo: Path, *args: str) -> tuple[int, str]:
    specs, changelog = repo / "specs/openapi", repo / "CHANGELOG.md"
    done = CliRunner().invoke(cli, ["release", "--specs", str(specs), "--changelog", str(changelog), *args])
    return done.exit_code, done.output


def _put_specs(repo: Path, text: str, tmp_path: Path, name: str) -> None:
    shutil.rmtree(repo / "specs/openapi", ignore_errors=True)
    shutil.copytree(specs_from_text(text, tmp_path, name), repo / "specs/openapi")


@pytest.mark.slow  # git
def test_release_bumps_by_what_changed_since_the_last_tag_and_writes_the_changelog(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    text = KLEIN.read_text(encoding="utf-8")
    _put_specs(repo, text, tmp_path, "v0")
    (repo / "specs/VERSION").write_text("0.1.0\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "0.1.0")

    code, output = _release(repo)
    assert code == 2 and "no release tag (vX.Y.Z) reachable from HEAD" in output and "git tag v0.1.0" in output
    _git(repo, "tag", "v0.1.0")
    _git(repo, "tag", "v9.0.0-rc1")  # not a release tag
    code, output = _release(repo)
    assert code == 0 and "nothing changed for users since v0.1.0" in output
    assert not (repo / "CHANGELOG.md").exists()

    # A new enum value on an input: non-breaking -> minor.
    _put_specs(repo, replace_once(text, "Possible enum values: jpeg, png, webp", "Possible enum values: jpeg, png, webp, avif"), tmp_path, "v1")
    code, output = _release(repo, "--dry-run")
    assert code == 0 and "fal-bindings 0.1.0 -> 0.2.0 (minor bump; since v0.1.0: 0 breaking, 1 non-breaking, 0 notable)" in output
    assert (repo / "specs/VERSION").read_text() == "0.1.0\n" and not (repo / "CHANGELOG.md").exists()
    code, output = _release(repo)
    assert code == 0, output
    assert (repo / "specs/VERSION").read_text() == "0.2.0\n"
    changelog = (repo / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog\n\n## 0.2.0 (minor bump)\n\n### Non-breaking\n\n- `fal-ai/flux-2/klein/4b/base`: ")
    assert "git tag v0.2.0" in output
    assert _release(repo)[0] == 0 and (repo / "CHANGELOG.md").read_text() == changelog  # run again: same files

    # Before the tag, a breaking change joins the release: the entry of 0.2.0 makes way for 1.0.0's.
    _put_specs(repo, replace_once(text, "Possible enum values: jpeg, png, webp", "Possible enum values: jpeg, png"), tmp_path, "v2")
    code, output = _release(repo, "--bump", "minor")
    assert code == 2 and "need a major bump (1 breaking" in output
    code, output = _release(repo)
    assert code == 0 and "0.1.0 -> 1.0.0 (major bump" in output
    assert (repo / "specs/VERSION").read_text() == "1.0.0\n"
    assert (repo / "CHANGELOG.md").read_text().startswith("# Changelog\n\n## 1.0.0 (major bump)\n\n### Breaking\n")
    assert "## 0.2.0" not in (repo / "CHANGELOG.md").read_text()

    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "1.0.0")
    _git(repo, "tag", "v1.0.0")
    code, output = _release(repo, "--bump", "patch", "--dry-run")  # nothing changed, a patch release asked for
    assert code == 0 and "fal-bindings 1.0.0 -> 1.0.1 (patch bump" in output
    code, output = _release(repo, "--base", "HEAD~1")  # the version file at a revision that is no tag
    assert code == 0 and "since HEAD~1" in output and "0.1.0 -> 1.0.0" in output
