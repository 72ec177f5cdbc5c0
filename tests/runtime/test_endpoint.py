"""Endpoint helpers: validation before I/O, option/field splitting, sync/async symmetry."""

from __future__ import annotations

import ast
import asyncio
import inspect
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from fal_bindings._runtime import (
    NOT_GIVEN,
    RESERVED_KWARGS,
    RUN_OPTIONS,
    STREAM_OPTIONS,
    SUBMIT_OPTIONS,
    SUBSCRIBE_OPTIONS,
    APIConnectionError,
    AsyncEndpoint,
    Endpoint,
    FalBindingsError,
    RealtimeConnection,
)
from fal_bindings.endpoints.fal_ai.example import AsyncExample, Example, Input, Output
from fal_bindings.types.example_image_size import ExampleImageSize as ImageSize
from pydantic import ValidationError

# --------------------------------------------------------------------------- validation before I/O

BAD_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("missing required field", {}),
    ("wrong type", {"prompt": 3}),
    ("constraint", {"prompt": "x", "num_images": 99}),
    ("unknown field", {"prompt": "x", "promt": "typo"}),
    ("bad enum", {"prompt": "x", "image_size": "huge"}),
    ("bad nested", {"prompt": "x", "image_size": {"width": 0}}),
    ("missing file", {"prompt": "x", "image_url": Path("/definitely/not/here.png")}),
]


@pytest.mark.parametrize("method", ["run", "submit", "subscribe", "stream"])
@pytest.mark.parametrize(("case", "kwargs"), BAD_CALLS, ids=[c for c, _ in BAD_CALLS])
def test_sync_validation_happens_before_any_connection(trap, method, case, kwargs):
    ep = Example(trap.sync_client())
    with pytest.raises(ValidationError):
        getattr(ep, method)(**kwargs)
    assert trap.connections() == 0


@pytest.mark.parametrize("method", ["run", "submit", "subscribe", "stream"])
@pytest.mark.parametrize(("case", "kwargs"), BAD_CALLS[:4], ids=[c for c, _ in BAD_CALLS[:4]])
def test_async_validation_happens_before_any_connection(trap, method, case, kwargs):
    ep = AsyncExample(trap.async_client())

    async def call() -> None:
        result = getattr(ep, method)(**kwargs)
        if inspect.isawaitable(result):
            await result

    with pytest.raises(ValidationError):
        asyncio.run(call())
    assert trap.connections() == 0


def test_valid_call_does_reach_the_network(trap):
    """Positive control for the trap: a valid input is sent (and the failure is translated)."""
    ep = Example(trap.sync_client())
    with pytest.raises(APIConnectionError) as info:
        ep.run(prompt="a cat")
    assert isinstance(info.value, FalBindingsError)
    assert info.value.__cause__ is not None  # the original httpx error is kept
    assert trap.connections() >= 1


def test_async_valid_call_does_reach_the_network(trap):
    ep = AsyncExample(trap.async_client())
    with pytest.raises(APIConnectionError):
        asyncio.run(ep.run(prompt="a cat"))
    assert trap.connections() >= 1


def test_stream_validates_on_call_not_on_iteration(trap):
    ep = Example(trap.sync_client())
    with pytest.raises(ValidationError):
        ep.stream(prompt=1)  # never iterated
    aep = AsyncExample(trap.async_client())
    with pytest.raises(ValidationError):
        aep.stream(prompt=1)
    assert trap.connections() == 0


def test_realtime_send_validates_before_needing_a_connection():
    conn = Example().realtime()
    assert isinstance(conn, RealtimeConnection)
    with pytest.raises(ValidationError):
        conn.send({"prompt": 5})  # validated first ...
    with pytest.raises(RuntimeError, match="inside `with"):
        conn.send({"prompt": "ok"})  # ... then the missing connection is noticed


def test_bad_options_fail_before_io(trap):
    ep = Example(trap.sync_client())
    with pytest.raises(ValueError, match="priority"):
        ep.submit(prompt="x", priority="urgent")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="start_timeout"):
        ep.run(prompt="x", start_timeout=0.5)
    with pytest.raises(ValueError, match="timeout"):
        ep.subscribe(prompt="x", timeout=1)
    with pytest.raises(TypeError, match="headers"):
        ep.run(prompt="x", headers=["a"])  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="on_queue_update must be callable"):
        ep.subscribe(prompt="x", on_queue_update=3)  # type: ignore[call-overload]
    assert trap.connections() == 0


# --------------------------------------------------------------------------- option / field split


def prepare(ep: Endpoint[Any, Any], method: str, input: Any = None, **kwargs: Any):
    allowed = {"run": RUN_OPTIONS, "submit": SUBMIT_OPTIONS, "subscribe": SUBSCRIBE_OPTIONS}[method]
    return ep._prepare(method, allowed, input, kwargs)


def test_options_are_split_from_fields():
    opts, model = prepare(
        Example(), "subscribe", prompt="x", seed=3, timeout=30, with_logs=True, hint="h", poll_interval=0.5
    )
    assert opts == {"timeout": 30, "with_logs": True, "hint": "h", "poll_interval": 0.5}
    assert isinstance(model, Input)
    assert model.model_fields_set == {"prompt", "seed"}


def test_renamed_field_and_option_of_the_same_wire_name_coexist():
    opts, model = prepare(Example(), "run", prompt="x", timeout_=5.0, timeout=60)
    assert opts == {"timeout": 60}
    assert model.timeout_ == 5.0
    assert model.model_dump(mode="json", by_alias=True, exclude_unset=True) == {"prompt": "x", "timeout": 5.0}


def test_option_of_another_method_is_a_type_error():
    with pytest.raises(TypeError, match=r"'webhook_url' \(it is an option of submit\(\)\)"):
        prepare(Example(), "run", prompt="x", webhook_url="https://hook")
    with pytest.raises(TypeError, match=r"'on_queue_update' \(it is an option of subscribe\(\)\)"):
        prepare(Example(), "submit", prompt="x", on_queue_update=print)


def test_input_and_field_kwargs_together_is_a_type_error():
    with pytest.raises(TypeError, match="not both"):
        prepare(Example(), "run", Input(prompt="x"), seed=1)
    # ... while options next to an Input are fine
    opts, model = prepare(Example(), "run", Input(prompt="x"), hint="gpu")
    assert opts == {"hint": "gpu"}


def test_input_instance_dict_and_wrong_model():
    inp = Input(prompt="x")
    assert prepare(Example(), "run", inp)[1] is inp
    from_dict = prepare(Example(), "run", {"prompt": "x", "class": "c"})[1]
    assert isinstance(from_dict, Input) and from_dict.class_ == "c"

    class Other(type(inp).__mro__[1]):  # another FalInput subclass
        prompt: str

    with pytest.raises(TypeError, match="expects fal_bindings.endpoints.fal_ai.example.Input"):
        prepare(Example(), "run", Other(prompt="x"))
    with pytest.raises(TypeError, match="Input model or a dict"):
        prepare(Example(), "run", "a cat")


def test_not_given_means_absent():
    opts, model = prepare(Example(), "run", prompt="x", seed=NOT_GIVEN, hint=NOT_GIVEN)
    assert opts == {}
    assert model.model_fields_set == {"prompt"}
    assert not NOT_GIVEN and repr(NOT_GIVEN) == "NOT_GIVEN"


def test_reserved_kwargs_cover_every_option_and_the_positional_names():
    assert RUN_OPTIONS | SUBMIT_OPTIONS | SUBSCRIBE_OPTIONS | STREAM_OPTIONS <= RESERVED_KWARGS
    assert {"self", "input"} <= RESERVED_KWARGS
    # No field of the example uses a reserved Python name (the generator renames them).
    assert not set(Input.model_fields) & RESERVED_KWARGS


def _typed_dicts(module_file: str) -> dict[str, tuple[list[str], list[str]]]:
    """The module's `TypedDict`s declared for type checkers: name -> (bases, keys)."""
    tree = ast.parse(Path(module_file).read_text(encoding="utf-8"))
    return {
        node.name: ([ast.unparse(b) for b in node.bases], [k.target.id for k in node.body if isinstance(k, ast.AnnAssign) and isinstance(k.target, ast.Name)])
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.name.endswith("Arguments")
    }


def test_each_generated_signature_takes_its_options_from_the_runtime():
    """One overload takes an `Input` and `**options: Unpack[_rt.<Method>Options]`; the other
    `**arguments: Unpack[_<Method>Arguments]`, a TypedDict of the input fields (`_Arguments`,
    declared once per module) plus those same runtime options: the call options are declared
    once, in `_runtime/options.py`, and their keys are the option sets."""
    from fal_bindings._runtime import options as declared

    typed_dicts = _typed_dicts(inspect.getsourcefile(Example) or "")
    assert typed_dicts["_Arguments"] == (["TypedDict"], list(Input.model_fields))
    for method, options in [
        ("run", RUN_OPTIONS),
        ("submit", SUBMIT_OPTIONS),
        ("subscribe", SUBSCRIBE_OPTIONS),
        ("stream", STREAM_OPTIONS),
    ]:
        typed = getattr(declared, f"{method.title()}Options")
        assert frozenset(typed.__annotations__) == options, method
        by_input, by_fields = _overloads(Example, method)
        assert list(inspect.signature(by_input).parameters)[1:] == ["input", "options"], method
        assert inspect.signature(by_input).parameters["options"].annotation == f"Unpack[_rt.{typed.__name__}]"
        assert list(inspect.signature(by_fields).parameters)[1:] == ["arguments"], method
        arguments = f"_{method.title()}Arguments"
        assert inspect.signature(by_fields).parameters["arguments"].annotation == f"Unpack[{arguments}]"
        assert typed_dicts[arguments] == (["_Arguments", f"_rt.{typed.__name__}"], []), method


# --------------------------------------------------------------------------- class attributes


def test_models_are_reachable_from_class_and_instance():
    assert Example.Input is Input and Example.Output is Output
    assert Example().Input is Input and AsyncExample().Output is Output
    assert Example.input_model is Input and AsyncExample.output_model is Output
    assert Example.capabilities == frozenset({"queue", "streaming", "realtime"})
    assert repr(Example()) == "Example(endpoint_id='fal-ai/example')"


def test_unparametrised_base_has_no_models():
    with pytest.raises(AttributeError, match=r"subclass it as `class X\(Endpoint\[Input, Output\]\)`"):
        Endpoint.Input  # noqa: B018


def test_explicit_model_attributes_win_over_generic_parameters():
    class Custom(Endpoint[Input, Output]):
        endpoint_id = "fal-ai/custom"
        output_model = ImageSize  # type: ignore[assignment]

    assert Custom.input_model is Input and Custom.output_model is ImageSize


def test_with_options_and_bad_upload_mode():
    client = object()
    ep = Example(file_upload="upload")
    other = ep.with_options(client=client)  # type: ignore[arg-type]
    assert other._client is client and other._file_upload == "upload"
    assert other.with_options(file_upload=None)._file_upload is None
    with pytest.raises(ValueError, match="file_upload"):
        Example(file_upload="s3")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="file_upload"):
        AsyncExample(file_upload="s3")  # type: ignore[arg-type]


def test_sync_client_defaults_to_one_bounded_client():
    # The default is one fal_client.SyncClient for the process whose connection failures are
    # bounded (fal_bindings._runtime.transport), not fal_client's module client.
    import fal_client
    from fal_bindings._runtime import set_default_client
    from fal_bindings._runtime.transport import BoundedSyncClient

    default = Example().client
    assert isinstance(default, BoundedSyncClient) and isinstance(default, fal_client.SyncClient)
    assert Example().client is default
    mine = fal_client.SyncClient(key="k")
    set_default_client(mine)
    try:
        assert Example().client is mine
        assert Example(fal_client.SyncClient(key="x")).client is not mine
    finally:
        set_default_client(None)
    assert Example().client is default


def test_async_default_client_is_per_event_loop():
    ep = AsyncExample()

    async def get() -> Any:
        return ep.client, ep.client

    a1, a2 = asyncio.run(get())
    b1, _ = asyncio.run(get())
    assert a1 is a2  # one client per loop ...
    assert a1 is not b1  # ... and a fresh one for a new loop
    with pytest.raises(RuntimeError):
        ep.client  # noqa: B018  (no running loop)


# --------------------------------------------------------------------------- sync/async symmetry

PAIRED_METHODS = ["run", "submit", "subscribe", "stream", "realtime", "get_handle", "status", "result", "cancel"]


def _params(func: Any) -> list[tuple[str, Any, Any, Any]]:
    sig = inspect.signature(func)
    return [(p.name, p.kind, p.default, p.annotation) for p in sig.parameters.values()]


def _overloads(cls: type, name: str) -> list[Any]:
    if sys.version_info < (3, 11):  # pragma: no cover
        pytest.skip("typing.get_overloads needs Python 3.11")
    found = typing.get_overloads(getattr(cls, name))
    return list(found)


@pytest.mark.parametrize("name", PAIRED_METHODS)
def test_sync_and_async_signatures_are_identical(name):
    sync, asyn = getattr(Example, name), getattr(AsyncExample, name)
    assert _params(sync) == _params(asyn)
    expect_coroutine = name not in ("stream", "realtime")
    assert inspect.iscoroutinefunction(asyn) is expect_coroutine
    assert not inspect.iscoroutinefunction(sync)


@pytest.mark.parametrize("name", ["run", "submit", "subscribe", "stream"])
def test_sync_and_async_overloads_are_identical(name):
    sync, asyn = _overloads(Example, name), _overloads(AsyncExample, name)
    assert len(sync) == len(asyn) == 2
    for s, a in zip(sync, asyn, strict=True):
        # Identical except the options' TypedDict (its `client` is a SyncClient or AsyncClient).
        def same(params: list[tuple[str, Any, Any, Any]]) -> list[tuple[str, Any, Any, Any]]:
            return [(n, k, d, "options" if n in ("options", "arguments") else a) for n, k, d, a in params]

        assert same(_params(s)) == same(_params(a))
    # The runtime's options (by Input), the module's fields plus options (by keywords).
    options, arguments = name.title() + "Options", name.title() + "Arguments"
    assert _params(sync[0])[-1][3] == f"Unpack[_rt.{options}]"
    assert _params(asyn[0])[-1][3] == f"Unpack[_rt.Async{options}]"
    assert _params(sync[1])[-1][3] == f"Unpack[_{arguments}]"
    assert _params(asyn[1])[-1][3] == f"Unpack[_Async{arguments}]"


def test_base_classes_pair_up():
    sync_public = {n for n in dir(Endpoint) if not n.startswith("__")}
    async_public = {n for n in dir(AsyncEndpoint) if not n.startswith("__")}
    assert sync_public == async_public
    for name in sorted(sync_public - {"Input", "Output"}):
        s, a = getattr(Endpoint, name), getattr(AsyncEndpoint, name)
        if inspect.isfunction(s) and name not in ("__init__", "with_options"):
            assert [p[:3] for p in _params(s)] == [p[:3] for p in _params(a)], name


def test_handles_streams_and_connections_pair_up():
    from fal_bindings._runtime import (
        AsyncRealtimeConnection,
        AsyncRequestHandle,
        AsyncStream,
        RequestHandle,
        Stream,
    )

    for sync_cls, async_cls in [
        (RequestHandle, AsyncRequestHandle),
        (Stream, AsyncStream),
        (RealtimeConnection, AsyncRealtimeConnection),
    ]:
        sync_api = {n for n in vars(sync_cls) if not n.startswith("_")}
        async_api = {n for n in vars(async_cls) if not n.startswith("_")}
        assert sync_api == async_api, sync_cls
        for name in sync_api:
            s, a = getattr(sync_cls, name), getattr(async_cls, name)
            if inspect.isfunction(s):
                assert [p[:3] for p in _params(s)] == [p[:3] for p in _params(a)], (sync_cls, name)
