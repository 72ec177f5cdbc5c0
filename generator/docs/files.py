"""Which properties carry file URLs: decided once, here, for every endpoint the parse stage
builds (doc pages and fal's OpenAPI alike), and written into the spec as `x-fal-file`; the
bindings, the CLI and the emulator read that key and never guess from names themselves.

The rule: a string, or a list of strings, whose wire name is `url`/`urls` or ends in
`_url`/`_urls` (case-insensitive). An enum is no file.
"""

from __future__ import annotations

from generator.core.ir import Endpoint, Property

FILE_NAME_SUFFIXES = ("_url", "_urls")
FILE_NAMES = ("url", "urls")


def carries_files(field: Property) -> bool:
    name = field.name.lower()
    base = field.type.items if field.type.kind == "array" and field.type.items else field.type
    return base.kind == "string" and (name.endswith(FILE_NAME_SUFFIXES) or name in FILE_NAMES)


def mark_file_properties(endpoint: Endpoint) -> None:
    """Set `file` on every property of the endpoint's schemas (in place) by the rule above."""
    for schema in endpoint.all_schemas():
        for field in schema.fields:
            field.file = carries_files(field)
