"""Exit codes and messages: 2 for usage/validation errors (naming the problem, no traceback),
1 for remote errors (fal's message), and the API key never shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fal_bindings.testing import AppError, Emulator

from .helpers import SECRET, cli_env, records, run_cli

pytestmark = pytest.mark.slow  # every test here starts a process

BAD_INPUT = [
    # (arguments, fragments the message must contain)
    (["--prompt", "x", "--bogus", "1"], ["No such option", "--bogus"]),
    (["--prompt", "x", "--output-format", "gif"], ["--output-format", "'gif'", "'jpeg', 'png', 'webp'"]),
    (["--prompt", "x", "--num-images", "many"], ["--num-images", "'many'", "not a valid integer"]),
    (["--prompt", "x", "--guidance-scale", "high"], ["--guidance-scale", "'high'", "not a valid float"]),
    (["--prompt", "x", "--image-size", "huge"], ["--image-size", "'huge'", "square_hd", "JSON ImageSize"]),
    (["--prompt", "x", "--image-size", '{"width": "wide"}'], ["--image-size (image_size)", "width", "valid integer"]),
    (["--guidance-scale", "2"], ["missing required field 'prompt'", "--prompt"]),
    (["--prompt", "x", "--stream", "--submit"], ["--stream and --submit"]),
]


@pytest.mark.parametrize(("args", "fragments"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_naming_the_problem(args: list[str], fragments: list[str]) -> None:
    result = run_cli("run", "fal-ai/flux-2", *args)
    assert result.returncode == 2, str(result)
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, str(result)


def test_pydantic_limits_are_reported_with_the_option_value_and_limit() -> None:
    result = run_cli("run", "fal-ai/imagen4/preview", "--prompt", "x", "--num-images", "9")
    assert result.returncode == 2, str(result)
    assert "invalid value for --num-images (num_images): 9: Input should be less than or equal to 4" in result.stderr


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    missing = run_cli("run", "fal-ai/flux-pro/kontext/max", "--prompt", "x", "--image-url", str(tmp_path / "no.png"))
    assert missing.returncode == 2, str(missing)
    assert "--image-url" in missing.stderr and "no such file" in missing.stderr and "no.png" in missing.stderr

    directory = run_cli("run", "fal-ai/flux-pro/kontext/max", "--prompt", "x", "--image-url", str(tmp_path))
    assert directory.returncode == 2 and "not a regular file" in directory.stderr, str(directory)

    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.png"
        locked.write_bytes(b"\x89PNG\r\n\x1a\n")
        locked.chmod(0)
        unreadable = run_cli("run", "fal-ai/flux-pro/kontext/max", "--prompt", "x", "--image-url", str(locked))
        assert unreadable.returncode == 2 and "cannot read file" in unreadable.stderr, str(unreadable)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ('{"prompt": "x",', ["--input-json", "malformed JSON", "line 1 column"]),
        ('["x"]', ["--input-json", "must hold a JSON object", "array"]),
        ('{"prompt": "x", "colour": "red"}', ["unknown field 'colour'", "prompt, guidance_scale"]),
        ('{"prompt": 5}', ["--prompt (prompt)", "5", "valid string"]),
    ],
    ids=["malformed", "not-an-object", "unknown-field", "wrong-type"],
)
def test_bad_input_json_exits_2(tmp_path: Path, content: str, fragments: list[str]) -> None:
    source = tmp_path / "input.json"
    source.write_text(content)
    result = run_cli("run", "fal-ai/flux-2", "--input-json", str(source))
    assert result.returncode == 2, str(result)
    for fragment in fragments:
        assert fragment in result.stderr, str(result)


def test_unreadable_input_json_and_stdin(tmp_path: Path) -> None:
    result = run_cli("run", "fal-ai/flux-2", "--input-json", str(tmp_path / "absent.json"))
    assert result.returncode == 2 and "cannot read" in result.stderr and "absent.json" in result.stderr, str(result)
    piped = run_cli("run", "fal-ai/flux-2", "--input-json", "-", input="not json")
    assert piped.returncode == 2 and "malformed JSON in stdin" in piped.stderr, str(piped)


def test_unknown_endpoint_and_command() -> None:
    result = run_cli("run", "fal-ai/flux-3", "--prompt", "x")
    assert result.returncode == 2, str(result)
    assert "unknown endpoint id 'fal-ai/flux-3'" in result.stderr and "fal-ai/flux-2" in result.stderr
    shown = run_cli("show", "nope/nope")
    assert shown.returncode == 2 and "unknown endpoint id" in shown.stderr, str(shown)
    command = run_cli("frobnicate")
    assert command.returncode == 2 and "No such command" in command.stderr, str(command)


def test_remote_errors_exit_1_with_fals_message(emu: Emulator) -> None:
    emu.configure("fal-ai/luma-dream-machine", error=AppError(500, "GPU on fire"))
    emu.configure(
        "fal-ai/luma-dream-machine/ray-2",
        error=AppError(422, [{"loc": ["body", "prompt"], "msg": "prompt is too dull", "type": "value_error"}]),
    )
    try:
        failed = run_cli("run", "fal-ai/luma-dream-machine", "--prompt", "x", env=emu.env)
        rejected = run_cli("run", "fal-ai/luma-dream-machine/ray-2", "--prompt", "x", "--json", env=emu.env)
    finally:
        emu.configure("fal-ai/luma-dream-machine", error=None)
        emu.configure("fal-ai/luma-dream-machine/ray-2", error=None)
    assert failed.returncode == 1, str(failed)
    assert "GPU on fire" in failed.stderr and failed.stdout == ""
    assert rejected.returncode == 1, str(rejected)
    assert "HTTP 422" in rejected.stderr and "--prompt: prompt is too dull" in rejected.stderr


def test_a_wrong_key_is_a_remote_error_and_is_not_shown(emu: Emulator) -> None:
    wrong = "sk-test-WRONG-4567"
    result = run_cli("run", "fal-ai/ovi", "--prompt", "x", env={**emu.env, "FAL_KEY": wrong})
    assert result.returncode == 1, str(result)
    assert "401" in result.stderr
    # run_cli asserts that neither key appears; the emulator saw only redacted credentials
    assert all(SECRET not in json.dumps(r.headers) for r in records(emu))


# --------------------------------------------------------------------------- the key's form, debug mode

CONSOLE_SCRIPT = Path(sys.executable).parent / "fal-bindings"


def _script(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real console script, without `run_cli`'s no-traceback check (debug mode prints one)."""
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], env=cli_env(env), capture_output=True, text=True, encoding="utf-8", timeout=60
    )


@pytest.mark.parametrize("debug", ["0", "1"], ids=["plain", "FAL_BINDINGS_DEBUG=1"])
@pytest.mark.parametrize(
    ("key", "message"),
    [
        (SECRET + "\n", "FAL_KEY contains a newline"),
        (SECRET + "é", "FAL_KEY contains a non-ASCII character"),
    ],
    ids=["newline", "non-ascii"],
)
def test_a_malformed_key_exits_2_naming_the_variable_never_the_value(
    emu: Emulator, debug: str, key: str, message: str
) -> None:
    before = len(records(emu))
    done = _script("run", "fal-ai/ovi", "--prompt", "x", env={**emu.env, "FAL_KEY": key, "FAL_BINDINGS_DEBUG": debug})
    assert done.returncode == 2, done.stderr
    assert message in done.stderr, done.stderr
    assert SECRET not in done.stdout + done.stderr, done.stderr  # the key's printable part, too
    assert ("Traceback" in done.stderr) == (debug == "1"), done.stderr
    assert len(records(emu)) == before  # refused before any request


def test_debug_tracebacks_go_through_the_masking_stream(emu: Emulator) -> None:
    """FAL_BINDINGS_DEBUG=1 prints the traceback of a remote error too, with the key masked."""
    emu.configure("fal-ai/ovi", error=AppError(500, f"the app echoed the key: {SECRET}"))
    try:
        done = _script("run", "fal-ai/ovi", "--prompt", "x", env={**emu.env, "FAL_BINDINGS_DEBUG": "1"})
    finally:
        emu.configure("fal-ai/ovi", error=None)
    assert done.returncode == 1, done.stderr
    assert "Traceback" in done.stderr and "InternalServerError" in done.stderr, done.stderr
    assert SECRET not in done.stdout + done.stderr, done.stderr
    assert "the app echoed the key: ***" in done.stderr


# --------------------------------------------------------------------------- input no request can carry

DEEP = "[" * 5000 + "]" * 5000
DEEPISH = "[" * 150 + "]" * 150  # parses, but deeper than the CLI accepts


def _bytes_script(*args: bytes, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k.encode(): v.encode() for k, v in cli_env().items()}
    return subprocess.run([str(CONSOLE_SCRIPT).encode(), *args], env=env, capture_output=True, input=input, timeout=60)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ([b"--prompt", b"caf\xe9 in latin-1"], b"invalid value for --prompt (prompt): the text holds bytes that are not valid UTF-8"),
        ([b"--prompt", b"x", b"--image-size", b'{"width": 5, "height": "\xff"}'], b"--image-size (image_size) at height"),
        ([b"--prompt", b"x", b"--image-size", DEEP.encode()], b"Invalid value for '--image-size': JSON nested deeper than 100 levels"),
        ([b"--prompt", b"x", b"--image-size", DEEPISH.encode()], b"Invalid value for '--image-size': JSON nested deeper than 100 levels"),
    ],
    ids=["invalid-utf8-argument", "invalid-utf8-in-json-option", "json-too-deep", "json-deeper-than-allowed"],
)
@pytest.mark.parametrize("mode", [b"--dry-run", b"--submit"])
def test_arguments_no_request_can_carry_exit_2_naming_the_field(
    emu: Emulator, args: list[bytes], fragment: bytes, mode: bytes
) -> None:
    env = {k.encode(): v.encode() for k, v in cli_env(emu.env).items()}
    before = len(records(emu))
    done = subprocess.run(
        [str(CONSOLE_SCRIPT).encode(), b"run", b"fal-ai/flux-2", *args, mode], env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert fragment in done.stderr, done.stderr
    assert b"Traceback" not in done.stderr and done.stdout == b""
    assert len(records(emu)) == before


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"prompt": "from bytes \\udcff"}', "invalid value for --prompt (prompt): the text holds bytes that are not valid UTF-8 (a lone surrogate, \\udcff)"),
        ('{"prompt": "x", "image_size": {"width": 5, "height": "\\ud800"}}', "--image-size (image_size) at height"),
        ('{"prompt": "x", "\\udcffkey": 1}', "a field name in --input-json holds bytes that are not valid UTF-8"),
        ('{"prompt": "x", "image_size": ' + DEEP + "}", "field 'image_size' in stdin: JSON nested deeper than 100 levels"),
        ('{"prompt": "x", "image_size": ' + DEEPISH + "}", "field 'image_size' in stdin: JSON nested deeper than 100 levels"),
    ],
    ids=["lone-surrogate", "nested-surrogate", "surrogate-key", "too-deep", "deeper-than-allowed"],
)
def test_input_json_no_request_can_carry_exits_2_naming_the_field(content: str, fragment: str) -> None:
    done = _bytes_script(b"run", b"fal-ai/flux-2", b"--input-json", b"-", b"--dry-run", input=content.encode())
    stderr = done.stderr.decode("utf-8", "backslashreplace")
    assert done.returncode == 2, stderr
    assert fragment in stderr, stderr
    assert "Traceback" not in stderr and done.stdout == b""
