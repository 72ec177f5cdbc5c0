"""Python names derived from doc text: attributes, classes, modules (target-neutral names are in
`generator.core.names`)."""

from __future__ import annotations

import builtins as _builtins
import keyword as _keyword
import re
import unicodedata as _unicodedata

from generator.core.names import bounded
from generator.python.call_options import call_options

ASYNC_PREFIX = "Async"
"""The async twin of endpoint class `X` is `AsyncX` (as in `_runtime.registry`)."""


# -- Python identifiers ------------------------------------------------------------------
# Doc text never becomes code: every name that reaches generated source goes through one
# of these functions, and every reserved set is declared here, up front.

PYTHON_KEYWORDS = frozenset(_keyword.kwlist) | frozenset(_keyword.softkwlist)
PYTHON_BUILTINS = frozenset(name for name in dir(_builtins) if not name.startswith("_"))
# Attributes and methods of pydantic.BaseModel (v2 and the deprecated v1 names it keeps).
PYDANTIC_ATTRIBUTES = frozenset(
    {
        "model_config", "model_fields", "model_computed_fields", "model_extra", "model_fields_set",
        "model_construct", "model_copy", "model_dump", "model_dump_json", "model_json_schema",
        "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
        "model_validate_json", "model_validate_strings", "model_private", "copy", "dict", "json",
        "parse_obj", "parse_raw", "parse_file", "from_orm", "construct", "schema", "schema_json",
        "validate", "update_forward_refs", "fields", "Config", "mro",
    }
)
# Names generated modules import from typing and pydantic, or define, under their own names.
# Everything they take from the runtime is imported under a private alias (`_Endpoint`,
# `_FalInput`): doc-derived names never start with `_`, so they cannot take one.
TYPING_NAMES = frozenset(
    {
        "TYPE_CHECKING", "Annotated", "Any", "ClassVar", "Literal", "TypeAlias", "TypedDict", "Required", "Unpack", "overload",
        "annotations", "ConfigDict", "Field",
    }
)
# Names the generated modules import or define at module level; a field with one of these
# names would shadow it inside the class body. (The runtime names stay listed: the names they
# gave doc types before the private aliases must not move.)
GENERATED_MODULE_NAMES = TYPING_NAMES | frozenset(
    {
        "Input", "Output", "FalInput", "FalOutput", "FileInput", "Endpoint", "NOT_GIVEN",
        "RequestHandle", "AsyncRequestHandle", "fal_client", "pydantic", "typing",
    }
)
# Names the package's `__init__` binds: `fal_bindings.<Class>` resolves endpoint classes only
# where none of these stands (a test checks the list against the rendered `__init__`).
PACKAGE_NAMES = frozenset(
    {
        "annotations", "APIConnectionError", "APIError", "AuthenticationError", "BadRequestError",
        "FalBindingsError", "CredentialsError", "RequestEncodingError", "InternalServerError", "NotFoundError", "OutputValidationError",
        "PermissionDeniedError", "RateLimitError", "RealtimeError", "RequestTimeoutError",
        "StreamError", "UnknownEndpointError", "UnprocessableEntityError", "LazyRegistry",
        "__version__", "registry", "ENDPOINT_IDS", "endpoint", "async_endpoint", "configure", "__getattr__",
        "__dir__", "__all__", "TYPE_CHECKING",
    }
)
# Names an endpoint class (or its `Async` twin) may not take: its module's own names, the
# typing and pydantic names the module imports, and the package's names.
ENDPOINT_CLASS_RESERVED = TYPING_NAMES | PACKAGE_NAMES | frozenset({"Input", "Output", "ENDPOINT_ID"})
# Keyword parameters the typed binding methods take besides the input fields: the call options
# the runtime declares (read from its source, `call_options`), the overloads' `**options`, and
# the other parameters of the methods and constructors.
BINDING_PARAMETERS = (
    call_options().names
    | {call_options().parameter}
    | frozenset(
        {
            "self", "cls", "input", "client_timeout", "path", "kwargs", "args", "interval", "use_jwt",
            "max_buffering", "file_upload",
        }
    )
)
RESERVED_FIELD_NAMES = PYTHON_KEYWORDS | PYTHON_BUILTINS | PYDANTIC_ATTRIBUTES | GENERATED_MODULE_NAMES | BINDING_PARAMETERS

_NON_IDENTIFIER = re.compile(r"[^0-9A-Za-z_]+")


def _ascii_identifier_text(text: str) -> str:
    """Transliterate to ASCII where Unicode allows (é -> e), then replace what is left."""
    normalised = _unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_IDENTIFIER.sub("_", normalised).strip("_")


def field_identifier(wire_name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A safe Python attribute name for a wire name; the wire name stays as the alias.

    Valid, unreserved identifiers are kept as written. Others: non-identifier characters
    become `_`, a leading digit gets a `field_` prefix (pydantic forbids a leading `_`),
    reserved names get a trailing `_`, and an empty result becomes `field`. Names already in
    `taken` get `_2`, `_3`, ... so two wire names never share an attribute.
    """
    candidate = wire_name if wire_name.isidentifier() and wire_name.isascii() else _ascii_identifier_text(wire_name)
    if not candidate:
        candidate = "field"
    if candidate[0].isdigit():
        candidate = "field_" + candidate
    candidate = candidate.lstrip("_") or "field"
    if candidate in RESERVED_FIELD_NAMES or _keyword.iskeyword(candidate):
        candidate += "_"
    return _unique(candidate, taken)


def class_identifier(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A PascalCase class name from a doc type name (`registry__image__Image` -> `RegistryImageImage`)."""
    words = [word for word in _ascii_identifier_text(name).split("_") if word]
    candidate = "".join(word[:1].upper() + word[1:] for word in words) or "Model"
    if candidate[0].isdigit():
        candidate = "T" + candidate
    if candidate in PYTHON_KEYWORDS or candidate in PYTHON_BUILTINS or candidate in GENERATED_MODULE_NAMES:
        candidate += "Model"
    return _unique(candidate, taken)


def module_identifier(segment: str) -> str:
    """A module name for one endpoint id segment (`flux-2` -> `flux_2`, `4b` -> `_4b`, `v2.1` -> `v2_1`)."""
    candidate = _ascii_identifier_text(segment).lower() or "endpoint"
    if candidate[0].isdigit():
        candidate = "_" + candidate
    if _keyword.iskeyword(candidate) or candidate in PYTHON_KEYWORDS:
        candidate += "_"
    return bounded(candidate, segment)


def module_path(endpoint_id: str) -> list[str]:
    """The module path of an endpoint under `fal_bindings.endpoints`, mirroring its id."""
    return [module_identifier(segment) for segment in endpoint_id.split("/") if segment] or ["endpoint"]


def snake_case(name: str) -> str:
    """`ImageSize` -> `image_size` (module names for shared types)."""
    text = _ascii_identifier_text(name)
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", text)
    text = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", text)
    result = re.sub(r"_+", "_", text).lower().strip("_") or "model"
    return "_" + result if result[0].isdigit() else result


def type_module(class_name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The module under `fal_bindings.types` for a shared class (`ImageSize` -> `image_size`)."""
    candidate = snake_case(class_name)
    if candidate in PYTHON_KEYWORDS or candidate in PYTHON_BUILTINS:
        candidate += "_"
    return _unique(bounded(candidate, class_name), taken)


def cli_option(wire_name: str) -> str:
    """`image_size` -> `--image-size`."""
    return "--" + (_ascii_identifier_text(wire_name).replace("_", "-").lower() or "field")


def unique_name(candidate: str, taken: set[str] | frozenset[str]) -> str:
    """`candidate`, or the first of `candidate_2`, `candidate_3`, ... not in `taken`."""
    return _unique(candidate, taken)


def _unique(candidate: str, taken: set[str] | frozenset[str]) -> str:
    if candidate not in taken:
        return candidate
    index = 2
    while f"{candidate}_{index}" in taken:
        index += 1
    return f"{candidate}_{index}"
