"""Every diagnostic code the generator can emit, declared once: its name, its severity and what it
means. Emit sites name a member (`Code.ID_REPAIRED`), never a string; the README's table of codes
is rendered from this registry (`markdown_table`, checked by `tests/core/test_diagnostic_codes.py`).

A few codes are reported at two severities (a missing endpoint id is an error when nothing can
stand in for it, a warning when the POST path does): they list both, the usual one first.
"""

from __future__ import annotations

from enum import Enum

from generator.core.ir import Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


class Code(Enum):
    """A diagnostic code: `.name` in the report is `code` (`id-repaired`)."""

    code: str
    severities: tuple[Severity, ...]
    meaning: str

    def __init__(self, code: str, severities: Severity | tuple[Severity, ...], meaning: str) -> None:
        self.code = code
        self.severities = severities if isinstance(severities, tuple) else (severities,)
        self.meaning = meaning

    @property
    def severity(self) -> Severity:
        """The usual severity (the first declared)."""
        return self.severities[0]

    # -- sources -----------------------------------------------------------------------------
    UNREADABLE_SOURCE = ("unreadable-source", ERROR, "a source file cannot be read; its pages are missing")
    UNDECODABLE_BYTES = ("undecodable-bytes", WARNING, "bytes that are not UTF-8 were replaced by U+FFFD")
    EMPTY_SOURCE = ("empty-source", ERROR, "a source file holds no text")
    # -- doc pages (text and HTML) -------------------------------------------------------------
    NO_SCHEMA = ("no-schema", ERROR, "a page has no schema section (no `Schema#` or `Input#` heading)")
    TEXT_OUTSIDE_SCHEMA = ("text-outside-schema", WARNING, "text outside any schema section, ignored")
    STRAY_JSON = ("stray-json", WARNING, "a JSON block or fragment outside an example, ignored")
    STRAY_ENUM_VALUES = ("stray-enum-values", WARNING, "enum values with no field before them")
    FIELD_LIKE_TEXT = ("field-like-text", WARNING, "prose that reads like a field line, kept as text")
    REPEATED_SECTION = ("repeated-section", WARNING, "a second Input/Output section; its fields join the first")
    UNKNOWN_TYPE = ("unknown-type", WARNING, "a type that cannot be read; the field is typed `any`")
    EMPTY_FIELD_NAME = ("empty-field-name", WARNING, "a field line without a name, kept under the empty wire name")
    DUPLICATE_FIELD = ("duplicate-field", WARNING, "a field listed twice in one schema; the later one wins")
    ENUM_VALUES_WITHOUT_ENUM = ("enum-values-without-enum", WARNING, "enum values listed for a field whose type is no enum")
    ENUM_WITHOUT_VALUES = ("enum-without-values", WARNING, "an enum field whose values the page does not list; typed string")
    BAD_EXAMPLE_JSON = ("bad-example-json", ERROR, "an example that is not standard JSON (NaN, huge numbers, broken); dropped")
    REPEATED_EXAMPLE = ("repeated-example", WARNING, "a second example for one schema; the first is kept")
    # -- recovery ------------------------------------------------------------------------------
    ID_REPAIRED = ("id-repaired", WARNING, "a damaged id line, repaired from the page's code samples")
    ID_MISMATCH = ("id-mismatch", WARNING, "the id line and the code samples name different ids; the id line is kept")
    ID_FROM_CODE_SAMPLE = ("id-from-code-sample", WARNING, "no id line; the id is taken from the page's code samples")
    NO_ENDPOINT_ID = ("no-endpoint-id", ERROR, "no id line and no code sample naming one; the page is not written")
    NO_INPUT = ("no-input", ERROR, "a page without an Input section")
    NO_OUTPUT = ("no-output", ERROR, "a page without an Output section (cut off?); Output accepts any object")
    DESCRIPTION_CONTINUED = ("description-continued", INFO, "text below a field read as more of its description")
    RECOVERED_FIELD_NAME = ("recovered-field-name", WARNING, "a lost field name line, recovered from another page or the example")
    LOST_FIELD_NAME = ("lost-field-name", ERROR, "a lost field name line nothing can recover; the field is not in the spec")
    OUTPUT_FROM_EXAMPLE = ("output-from-example", WARNING, "an empty Output section, derived from the output example")
    EMPTY_OUTPUT = ("empty-output", WARNING, "an empty Output section and no output example; Output accepts any object")
    TYPE_FROM_OTHER_PAGE = ("type-from-other-page", INFO, "a type used but not described, copied from another page")
    UNDEFINED_TYPE = ("undefined-type", WARNING, "a type described on no page, kept as an open object")
    UNREFERENCED_TYPE = ("unreferenced-type", INFO, "a nested type neither Input nor Output uses, kept in the spec")
    EXAMPLE_MISMATCH = ("example-mismatch", WARNING, "an example that disagrees with its schema (per path)")
    DEFAULT_MISMATCH = ("default-mismatch", WARNING, "a default its own type rejects: kept in the spec, not in the bindings")
    DUPLICATE_PAGE = ("duplicate-page", INFO, "a page that appears twice, identical; merged")
    DUPLICATE_PAGE_CONFLICT = ("duplicate-page-conflict", WARNING, "a page that appears twice with differences; one copy kept, every difference listed")
    # -- overlays ------------------------------------------------------------------------------
    OVERLAY_UNREADABLE = ("overlay-unreadable", ERROR, "an overlay file that cannot be read as YAML")
    OVERLAY_INVALID = ("overlay-invalid", ERROR, "an overlay action that is malformed")
    OVERLAY_UNUSED = ("overlay-unused", WARNING, "an overlay action whose endpoint or pointer does not exist; not applied")
    OVERLAY_ELSEWHERE = ("overlay-elsewhere", INFO, "overlay actions for endpoints the named sources do not hold (a partial parse); not applied, reported once")
    OVERLAY_APPLIED = ("overlay-applied", INFO, "an overlay action applied, with its reason")
    # -- OpenAPI documents (fal's and falgen's own) -------------------------------------------
    UNREADABLE = ("unreadable", ERROR, "a spec or OpenAPI file that cannot be read")
    NOT_UTF8 = ("not-utf8", ERROR, "a JSON file that is not UTF-8")
    INVALID_JSON = ("invalid-json", ERROR, "a file that is not standard JSON")
    NOT_AN_OBJECT = ("not-an-object", ERROR, "a JSON document that is not an object")
    MISSING_DIR = ("missing-dir", ERROR, "a spec directory that does not exist")
    DUPLICATE_ENDPOINT = ("duplicate-endpoint", WARNING, "two spec files describe one endpoint; the first is kept")
    LONE_SURROGATE = ("lone-surrogate", WARNING, "lone UTF-16 surrogates in JSON strings, replaced by U+FFFD")
    TOO_DEEP = ("too-deep", ERROR, "schemas nested too deeply to read")
    READER_FAILURE = ("reader-failure", ERROR, "a document the reader could not read (an unexpected failure, named)")
    OPENAPI_VERSION = ("openapi-version", WARNING, "not an OpenAPI 3.x document")
    MISSING_INFO = ("missing-info", ERROR, "a document without an `info` object")
    BAD_METADATA = ("bad-metadata", WARNING, "`x-fal-metadata` (id, category, capabilities) or `x-fal-model` (fal's listing: name, status, tags) that is malformed; parts ignored")
    MISSING_PATHS = ("missing-paths", WARNING, "a document without a `paths` object")
    MISSING_ENDPOINT_ID = ("missing-endpoint-id", (ERROR, WARNING), "no `x-fal-metadata.endpointId`: the POST path stands in (warning), else no endpoint (error)")
    MISSING_COMPONENTS = ("missing-components", ERROR, "a document without `components.schemas`; input and output are empty")
    MISSING_OPERATION = ("missing-operation", WARNING, "no operation names the Input/Output schema; one is chosen by name")
    MISSING_INPUT = ("missing-input", ERROR, "no Input schema; it is left empty")
    MISSING_OUTPUT = ("missing-output", ERROR, "no Output schema; it is left empty")
    NON_OBJECT_IO = ("non-object-io", WARNING, "an Input or Output schema that is not an object (a string, a union, a `$ref`): the Output takes any JSON value, the Input any keys")
    DANGLING_REF = ("dangling-ref", WARNING, "a `$ref` to a schema the document does not have: typed `Any` (an overlay can define it)")
    BAD_SCHEMA = ("bad-schema", (WARNING, ERROR), "a malformed schema (`properties`, `required`); a schema that is no object is an error")
    BAD_PROVENANCE = ("bad-provenance", WARNING, "an `x-fal-source` location that cannot be read")
    REQUIRED_NOT_A_PROPERTY = ("required-not-a-property", WARNING, "a `required` name that is not a property")
    BAD_ORDER = ("bad-order", WARNING, "`x-fal-order-properties` that disagrees with the properties")
    BAD_PROPERTY = ("bad-property", WARNING, "a property that is not a schema; typed `any`")
    BAD_REQUIRED_SOURCE = ("bad-required-source", WARNING, "an unknown `x-fal-required-source`")
    BAD_CONSTRAINT = ("bad-constraint", WARNING, "a limit that is not a number (or a length that is not an integer); ignored")
    UNSUPPORTED_SCHEMA = ("unsupported-schema", WARNING, "a schema the IR cannot hold, read as `any` or the nearest type")
    UNSUPPORTED_ONEOF = ("unsupported-oneof", WARNING, "`oneOf`, read as a union (a discriminator is dropped)")
    UNSUPPORTED_ALLOF = ("unsupported-allof", WARNING, "`allOf` with several schemas; only the first is kept")
    UNSUPPORTED_TUPLE = ("unsupported-tuple", WARNING, "a tuple whose items may be missing or followed by more: read as a list of `any`, positions not checked")
    PATTERN_NOT_ENFORCED = ("pattern-not-enforced", WARNING, "a `pattern` Python's `re` cannot compile: kept in the spec, not checked by the bindings")
    TYPE_LIST = ("type-list", WARNING, "`type` given as a list, read as a union (or a nullable type)")
    ENUM_VALUE_NOT_LITERAL = ("enum-value-not-literal", WARNING, "enum values that are objects or lists: typed by JSON type, checked at run time")
    INLINE_OBJECT = ("inline-object", WARNING, "an inline object schema, read as a named nested type")
    BAD_REF = ("bad-ref", WARNING, "a `$ref` that is not a string; typed `any`")
    EXTERNAL_REF = ("external-ref", WARNING, "a `$ref` outside the document; typed `any`")
    RECURSIVE_ALIAS = ("recursive-alias", WARNING, "a non-object schema that refers to itself; typed `any`")
    # -- a doc page and fal's document for one endpoint (the document's structure is used) ------
    PAGE_FIELD_NOT_IN_DOCUMENT = ("page-field-not-in-document", WARNING, "a field the doc page lists that fal's document does not have")
    DOCUMENT_FIELD_NOT_ON_PAGE = ("document-field-not-on-page", WARNING, "a field fal's document has that the doc page does not list")
    PAGE_TYPE_DISAGREES = ("page-type-disagrees", WARNING, "the page and fal's document type a field differently")
    PAGE_REQUIRED_DISAGREES = ("page-required-disagrees", (WARNING, INFO), "the page and fal's document disagree on whether a field is required (info: the page's required-ness was inferred, not marked)")
    PAGE_NULLABLE_DISAGREES = ("page-nullable-disagrees", (WARNING, INFO), "the page and fal's document disagree on whether a field accepts null (info: the page does not mention null)")
    PAGE_ENUM_DISAGREES = ("page-enum-disagrees", WARNING, "the page and fal's document list different enum values")
    PAGE_LIMITS_DISAGREE = ("page-limits-disagree", (WARNING, INFO), "the page and fal's document give different limits (info: the page states none)")
    PAGE_DEFAULT_DISAGREES = ("page-default-disagrees", (WARNING, INFO), "the page and fal's document give different defaults (info: the page states none)")
    PAGE_DESCRIPTION_DISAGREES = ("page-description-disagrees", INFO, "the page and fal's document describe a field differently (text normalised)")
    PAGE_EXAMPLE_DISAGREES = ("page-example-disagrees", WARNING, "the page's example (kept) disagrees with fal's document's schema (per path)")


BY_NAME: dict[str, Code] = {member.code: member for member in Code}
"""Code string -> its registry entry."""


def markdown_table() -> str:
    """The README's table of every code (registry order)."""
    lines = ["| code | severity | meaning |", "|---|---|---|"]
    for member in Code:
        severities = " / ".join(severity.value for severity in member.severities)
        lines.append(f"| `{member.code}` | {severities} | {member.meaning} |")
    return "\n".join(lines) + "\n"
