# Copied from templates/package/fal_bindings/_runtime/registry.py by falgen. Edit the source, then run make generate.
"""Lazy endpoint registry for the generated package `__init__`.

Nothing here imports pydantic, fal_client or any endpoint module: an endpoint module is imported
the first time its id (or class name) is used, so `import fal_bindings` stays cheap with
thousands of endpoints.

Generated `fal_bindings/__init__.py` (sketch):

    from fal_bindings._runtime.registry import LazyRegistry

    registry = LazyRegistry({
        "fal-ai/flux-2": ("fal_bindings.endpoints.flux_2", "Flux2"),
        ...
    })
    ENDPOINT_IDS = registry.ids
    endpoint = registry.endpoint              # endpoint("fal-ai/flux-2").run(prompt=...)
    async_endpoint = registry.async_endpoint  # await async_endpoint("fal-ai/flux-2").run(...)
    __getattr__ = registry.module_getattr(__name__)   # fal_bindings.Flux2 / .AsyncFlux2
    __dir__ = registry.module_dir(__name__)

The async class of an entry `(module, "Flux2")` is `module.AsyncFlux2`.
"""

from __future__ import annotations

import importlib
import sys

from .errors import UnknownEndpointError

TYPE_CHECKING = False  # no runtime `typing` import (see __init__)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from typing import Any

    import fal_client

    from ._types import FileUploadMode
    from .endpoint import AsyncEndpoint, Endpoint
    from .protocols import AnyAsyncEndpoint, AnyEndpoint

__all__ = ["LazyRegistry", "ASYNC_PREFIX"]

ASYNC_PREFIX = "Async"


class LazyRegistry:
    """Endpoint id -> (module path, sync class name), imported on first use."""

    def __init__(
        self, entries: Mapping[str, tuple[str, str]], *, package: str | None = None
    ) -> None:
        self._entries: dict[str, tuple[str, str]] = dict(entries)
        self._package = package
        self.ids: tuple[str, ...] = tuple(sorted(self._entries))
        """Every endpoint id, sorted."""
        self._by_class: dict[str, tuple[str, str]] = {}
        for module, cls in self._entries.values():
            self._by_class[cls] = (module, cls)
            self._by_class[ASYNC_PREFIX + cls] = (module, ASYNC_PREFIX + cls)

    # -- mapping-like ----------------------------------------------------------------------

    def __contains__(self, endpoint_id: object) -> bool:
        return endpoint_id in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self._entries)

    def suggest(self, endpoint_id: str, n: int = 5) -> list[str]:
        """Ids close to `endpoint_id` (difflib), best first."""
        import difflib

        close = difflib.get_close_matches(endpoint_id, self.ids, n=n, cutoff=0.6)
        if len(close) < n:  # also match on the part after the owner ("flux-2" for "fal-ai/flux-2")
            tail = endpoint_id.rsplit("/", 1)[-1] if "/" in endpoint_id else endpoint_id
            for eid in self.ids:
                if eid not in close and tail and tail in eid:
                    close.append(eid)
                    if len(close) >= n:
                        break
        return close

    def _entry(self, endpoint_id: str) -> tuple[str, str]:
        try:
            return self._entries[endpoint_id]
        except KeyError:
            stripped = endpoint_id.strip().strip("/")
            if stripped in self._entries:
                return self._entries[stripped]
            raise UnknownEndpointError(endpoint_id, self.suggest(endpoint_id)) from None

    def _load(self, module: str, name: str) -> Any:
        return getattr(importlib.import_module(module, self._package), name)

    # -- classes and instances -------------------------------------------------------------

    def endpoint_class(self, endpoint_id: str) -> type[Endpoint[Any, Any]]:
        """The sync endpoint class (imports its module on first use)."""
        module, name = self._entry(endpoint_id)
        cls: type[Endpoint[Any, Any]] = self._load(module, name)
        return cls

    def async_endpoint_class(self, endpoint_id: str) -> type[AsyncEndpoint[Any, Any]]:
        """The async endpoint class (imports its module on first use)."""
        module, name = self._entry(endpoint_id)
        cls: type[AsyncEndpoint[Any, Any]] = self._load(module, ASYNC_PREFIX + name)
        return cls

    def endpoint(
        self,
        endpoint_id: str,
        *,
        client: fal_client.SyncClient | None = None,
        file_upload: FileUploadMode | None = None,
    ) -> AnyEndpoint:
        """An instance of the endpoint's sync class; `.Input`/`.Output` are its models.
        Statically an `AnyEndpoint`; `fal_bindings.endpoint(id)` is typed per id."""
        instance: AnyEndpoint = self._load(*self._entry(endpoint_id))(
            client, file_upload=file_upload
        )
        return instance

    def async_endpoint(
        self,
        endpoint_id: str,
        *,
        client: fal_client.AsyncClient | None = None,
        file_upload: FileUploadMode | None = None,
    ) -> AnyAsyncEndpoint:
        """An instance of the endpoint's async class (statically an `AnyAsyncEndpoint`)."""
        module, name = self._entry(endpoint_id)
        instance: AnyAsyncEndpoint = self._load(module, ASYNC_PREFIX + name)(
            client, file_upload=file_upload
        )
        return instance

    # -- package-level lazy attributes ------------------------------------------------------

    def module_getattr(
        self, module_name: str, extra: Mapping[str, tuple[str, str]] | None = None
    ) -> Callable[[str], Any]:
        """A PEP 562 `__getattr__` resolving endpoint class names (`Flux2`, `AsyncFlux2`) and
        `extra` {attribute: (module, name)} lazily, caching each in the module's globals."""
        table = {**self._by_class, **(extra or {})}
        return lazy_getattr(module_name, table, package=self._package)

    def module_dir(
        self, module_name: str, extra: Mapping[str, tuple[str, str]] | None = None
    ) -> Callable[[], list[str]]:
        """A PEP 562 `__dir__` listing the module's globals plus the lazy attributes."""
        names = set(self._by_class) | set(extra or {})

        def __dir__() -> list[str]:
            return sorted(set(vars(sys.modules[module_name])) | names)

        return __dir__


def lazy_getattr(
    module_name: str, table: Mapping[str, tuple[str, str]], *, package: str | None = None
) -> Callable[[str], Any]:
    """A PEP 562 module `__getattr__` importing `table[name] = (module, attr)` on first access."""

    def __getattr__(name: str) -> Any:
        try:
            module, attr = table[name]
        except KeyError:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module, package), attr)
        setattr(sys.modules[module_name], name, value)
        return value

    return __getattr__
