# Copied from templates/package/fal_bindings/_runtime/value.py by falgen. Edit the source, then run make generate.
"""`FalValue`: the Output of an endpoint whose schema is `{}` (its own module: the serializer
hook it needs is not loaded on the first use of other endpoints)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, model_serializer, model_validator

from .models import FalOutput

__all__ = ["FalValue"]


class FalValue(FalOutput):
    """An Output whose schema is `{}`: any JSON value (an object, a list, a string, a number,
    `null`), kept as it came in `.value` and dumped back unchanged."""

    model_config = ConfigDict(extra="forbid")

    value: Any = None

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, data: Any) -> Any:
        return data if isinstance(data, FalValue) else {"value": data}

    @model_serializer(mode="plain")
    def _unwrap(self) -> Any:
        return self.value
