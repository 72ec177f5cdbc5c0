# Copied from templates/package/fal_bindings/_runtime/models.py by falgen. Edit the source, then run make generate.
"""Base models of every generated `Input`/`Output` (and shared nested type)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .errors import FalBindingsError, OutputValidationError
from .files import CONTEXT_KEY, FileCollector

__all__ = [
    "FalModel",
    "FalInput",
    "FalOutput",
    "FalFile",
    "to_payload",
    "parse_output",
    "iter_files",
]

InputT = TypeVar("InputT", bound="FalInput")
OutputT = TypeVar("OutputT", bound="FalOutput")


class FalModel(BaseModel):
    """Common base: fields are populated by Python name or by wire alias, schemas are built on
    first use (`defer_build`) so importing thousands of models stays cheap, and no field name is
    off limits because of pydantic's `model_` namespace. A field's description is written once,
    as its attribute docstring (what IDEs show); pydantic reads it from there into
    `model_json_schema()` (`use_attribute_docstrings`).

    Validation is strict, as fal's JSON Schemas are: `"5"` is not an integer, `1` and `"true"`
    are not booleans (pydantic's lax mode would convert them). A whole number stays an integer
    where the schema says `number` (fields are `int | float`), so it is sent as `2`, not `2.0`.
    `pattern` is matched with Python's `re` (`re.search`, as JSON Schema validators in Python do).
    """

    model_config = ConfigDict(
        populate_by_name=True,
        defer_build=True,
        protected_namespaces=(),
        use_attribute_docstrings=True,
        strict=True,
        regex_engine="python-re",
    )


class FalInput(FalModel):
    """Request models. Unknown keys are rejected (typos fail loudly), assignments are validated,
    and only the fields that were set are sent (`to_payload`), so server defaults apply.

    An optional field is typed `T | None = None` (None while it is not given); where fal's schema
    does not allow `null` it is listed in `__fal_not_null__`, and an explicit `None` there is
    refused rather than sent (leave the field out, or pass `NOT_GIVEN`)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    __fal_not_null__: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.__fal_not_null__:
            raise PydanticCustomError(
                "null_not_allowed", "null is not allowed here: leave the field out instead"
            )
        return value


class FalOutput(FalModel):
    """Response models. Unknown keys are kept (`model_extra`), so new server fields never break
    clients."""

    model_config = ConfigDict(extra="allow")


class FalFile(FalOutput):
    """Output type carrying a file `url` (fal's `File`, `Image`, `Video`, ... types).

    `download()` / `read_bytes()` fetch it (data URIs are decoded locally); `adownload()` /
    `aread_bytes()` are the async twins. The file name defaults to the model's `file_name`
    field when it has one, else the URL's last path segment, made safe (`downloads.py`): the file
    lands inside the folder, and an existing file is never replaced unless `overwrite=True`.
    Subclasses declare `url` themselves (required or not, as the docs say); a file without a URL
    raises `FalBindingsError`.
    """

    def _url(self) -> str:
        url = getattr(self, "url", None)
        if not isinstance(url, str) or not url:
            raise FalBindingsError(f"{type(self).__name__} has no url to fetch")
        return url

    def _suggested_name(self) -> str | None:
        name = getattr(self, "file_name", None)
        return name if isinstance(name, str) and name else None

    def download(
        self, dest: str | os.PathLike[str] | None = None, *, overwrite: bool = False
    ) -> Path:
        """Save the file to `dest` (file path, existing directory, or cwd when None); returns
        the path written (numbered when the name was taken in a folder)."""
        from .downloads import download_url

        return download_url(
            self._url(), dest, file_name=self._suggested_name(), overwrite=overwrite
        )

    def read_bytes(self) -> bytes:
        """The file's content."""
        from .downloads import read_url

        return read_url(self._url())

    async def adownload(
        self, dest: str | os.PathLike[str] | None = None, *, overwrite: bool = False
    ) -> Path:
        """Async twin of `download`."""
        from .downloads import adownload_url

        return await adownload_url(
            self._url(), dest, file_name=self._suggested_name(), overwrite=overwrite
        )

    async def aread_bytes(self) -> bytes:
        """Async twin of `read_bytes`."""
        from .downloads import aread_url

        return await aread_url(self._url())


def to_payload(model: FalInput, *, collector: FileCollector | None = None) -> dict[str, Any]:
    """The JSON arguments sent for `model`: wire names, JSON mode, only the fields that were set.

    Local files become data URIs (reading them now), or placeholders for the files `collector`
    uploads (see `files.upload_pending`). Useful on its own for dry runs.
    """
    if collector is None:
        collector = FileCollector("data_uri")
    payload = model.model_dump(
        mode="json", by_alias=True, exclude_unset=True, context={CONTEXT_KEY: collector}
    )
    inlined: dict[str, Any] = collector.inline(payload)
    return inlined


def parse_output(
    model: type[OutputT],
    raw: Any,
    *,
    endpoint_id: str | None = None,
    request_id: str | None = None,
) -> OutputT:
    """Validate a response into `model`; on mismatch raise `OutputValidationError` carrying `raw`."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise OutputValidationError(
            model, raw, exc, endpoint_id=endpoint_id, request_id=request_id
        ) from exc


def iter_files(value: Any) -> Iterator[FalFile]:
    """Every `FalFile` inside an output (models, lists, dicts), depth first, in field order."""
    if isinstance(value, FalFile):
        yield value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from iter_files(getattr(value, name, None))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from iter_files(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_files(item)
