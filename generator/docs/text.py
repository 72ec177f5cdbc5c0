"""Scraped-text front-end: read each doc page's header and schema (a file is split into pages by
`generator.docs.pages`).

This stage reads what each page states and nothing more; what a page lost (ids,
required marks, field names, outputs) is recovered corpus-wide in `generator.docs.recover`.

Three layouts occur in scrapes of fal's API pages, often mixed in one bundle:
- blank-line blocks: `name\\u00a0type[* required]`, blank, description, blank, ...;
- bundle: `name type` with a plain space, description lines right below, headings
  split over two lines (`Input` / `#`), and every `* required` mark lost;
- run-together: `name\\u00a0type* requiredDescription...` on one line, headings glued
  to the previous line.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

from generator.core.codes import Code
from generator.core.diagnostics import Diagnostics, clip
from generator.core.fits import strict_json
from generator.core.ir import Capability, Example, Property, Provenance, TypeExpr
from generator.docs.doc_values import attach_enum, empty_enums_to_string, has_empty_enum, parse_default, typed_values
from generator.docs.fieldline import NBSP, REQUIRED_MARK, field_line_lookalike, space_field
from generator.docs.lines import Line, unglue
from generator.docs.pages import CALLING_HEADING, ID_LINE, SCHEMA_HEADING
from generator.docs.typesyntax import TypeSyntaxError, is_type_name, parse_type, split_type_prefix

CODE_ID = re.compile(
    r"fal\.(?:subscribe|stream|run|queue\.submit|queue\.status|queue\.result|realtime\.connect)"
    r"\(\s*[\"']([^\"']+)[\"']"
)
TYPE_HEADING = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_.]*)#$")
DEFAULT_VALUE = re.compile(r"(?:^|\s)Default value: (?P<value>.*)$")
ENUM_VALUES = re.compile(r"^Possible enum values: ?(?P<values>.*)$")
BADGES = {"Inference", "Commercial use", "Partner", "Streaming", "Schema", "LLMs", "Realtime", "Training"}
HEADER_END = {"About", "Table of contents", "JavaScript / Node.js"}
PAGE_END = re.compile(r"^(Related Models|.* API Docs \| fal)$")
# An example starts with `{` alone or followed by a key or `}`; prose may start with a brace
# too (`{{ prompt }} placeholders are filled in`).
JSON_START = re.compile(r'^\{\s*(?:["}]|$)')
# A piece of JSON outside any example: a `"key":` line or a closing bracket. Other text that
# starts with a quote is prose (`"auto" picks the size`).
JSON_FRAGMENT = re.compile(r'^(?:"(?:[^"\\]|\\.)*"\s*:|[}\]][\s,}\]]*$)')


@dataclass
class Orphan:
    """Text in a schema that belongs to no field line: a field whose name line was lost."""

    position: int
    """Index in the schema's field list where the lost field stood."""
    lines: list[Line]
    description: str = ""
    default_text: str | None = None
    enum_values: list[str] | None = None
    after_field: bool = False
    """True when the text directly followed a field line (it may continue that description)."""


@dataclass
class FieldState:
    """A field while its block is being read."""

    field: Property
    line: Line
    marked_required: bool
    description: list[str] = dataclasses.field(default_factory=list)
    inline_description: bool = False
    closed: bool = False
    default_text: str | None = None
    enum_values: list[str] | None = None
    default_line: Line | None = None


@dataclass
class PageSchema:
    role: str
    """"input", "output" or "type"."""
    name: str
    heading: Line | None
    fields: list[Property] = dataclasses.field(default_factory=list)
    states: list[FieldState] = dataclasses.field(default_factory=list)
    orphans: list[Orphan] = dataclasses.field(default_factory=list)
    example: Example | None = None
    default_texts: dict[str, str] = dataclasses.field(default_factory=dict)
    """Default values as written, by field name (to tell `"5"` from `5`)."""


@dataclass
class Page:
    """One doc page as stated, before corpus-wide recovery."""

    file: str
    first_line: int
    last_line: int
    id_line: Line | None = None
    code_ids: list[tuple[str, Line]] = dataclasses.field(default_factory=list)
    title: str = ""
    description: str = ""
    capabilities: list[Capability] = dataclasses.field(default_factory=lambda: ["queue"])
    has_markers: bool = False
    schema_line: Line | None = None
    input: PageSchema | None = None
    output: PageSchema | None = None
    types: list[PageSchema] = dataclasses.field(default_factory=list)
    field_lines: list[Line] = dataclasses.field(default_factory=list)
    """Every field line read (the accounting test checks each one reaches the spec)."""

    @property
    def provenance(self) -> Provenance:
        line = self.id_line.number if self.id_line else self.first_line
        return Provenance(file=self.file, line=line)

    def schemas(self) -> list[PageSchema]:
        return [s for s in (self.input, self.output, *self.types) if s is not None]


class PageParser:
    """Reads one page's lines into a `Page`; every anomaly becomes a diagnostic."""

    def __init__(self, lines: list[Line], diagnostics: Diagnostics) -> None:
        self.lines = unglue(lines)
        self.diagnostics = diagnostics
        first = lines[0] if lines else Line("", "<empty>", 0)
        self.page = Page(file=first.file, first_line=first.number, last_line=lines[-1].number if lines else 0)
        self._type_names: frozenset[str] | None = None

    def parse(self) -> Page:
        schema_at = self._find_schema_start()
        self._read_header(self.lines[:schema_at] if schema_at is not None else self.lines)
        self._read_calling_sections(self.lines[:schema_at] if schema_at is not None else self.lines)
        if schema_at is None:
            self._report(Code.NO_SCHEMA, self._anchor(), "page has no schema section (no 'Schema#' or 'Input#' heading)")
            return self.page
        self._read_schema(self.lines[schema_at:])
        return self.page

    # -- header -------------------------------------------------------------------------

    def _find_schema_start(self) -> int | None:
        for index, line in enumerate(self.lines):
            if SCHEMA_HEADING.match(line.stripped):
                self.page.schema_line = line
                return index + 1
        for index, line in enumerate(self.lines):
            if line.stripped == "Input#":
                self.page.schema_line = line
                return index
        return None

    def _read_header(self, lines: list[Line]) -> None:
        header: list[Line] = []
        for line in lines:
            text = line.stripped
            if text in HEADER_END or CALLING_HEADING.match(text) or _is_heading(text):
                break
            if text:
                header.append(line)
        prose: list[str] = []
        for line in header:
            text = line.stripped
            if ID_LINE.match(text) and self.page.id_line is None:
                self.page.id_line = line
            elif text in BADGES:
                if text == "Streaming":
                    self._add_capability("streaming")
                elif text == "Realtime":
                    self._add_capability("realtime")
            elif not text.endswith("!"):
                # Lines ending in "!" are site banners ("FLUX.2 is now live!").
                prose.append(text)
        # A page always states a description; a title only sometimes. Titles are short and
        # in Title Case ("Text to Video (Pro)"); descriptions read as sentences.
        if prose and (_is_title(prose[0]) or (len(prose) >= 2 and not _is_sentence(prose[0]))):
            self.page.title = prose.pop(0)
        if prose:
            self.page.description = prose[0]
        if not self.page.description:
            self.page.description = self._about_paragraph()
        if not self.page.title:
            for line in self.lines:
                match = re.match(r"^(?P<title>.*) API Docs \| fal$", line.stripped)
                if match:
                    self.page.title = match.group("title").strip()

    def _about_paragraph(self) -> str:
        """The first prose line of the "About" section (pages whose header has no description)."""
        for index, line in enumerate(self.lines):
            if line.stripped in ("About", "About#"):
                for following in self.lines[index + 1 : index + 8]:
                    text = following.stripped
                    if not text or text in BADGES:
                        continue
                    if _is_heading(text) or CALLING_HEADING.match(text) or text in HEADER_END:
                        return ""
                    return text
        return ""

    def _read_calling_sections(self, lines: list[Line]) -> None:
        for line in lines:
            for match in CODE_ID.finditer(line.text):
                self.page.code_ids.append((match.group(1), line))
            text = line.stripped
            if "fal.stream(" in text or text == "Streaming#":
                self._add_capability("streaming")
            if "fal.realtime.connect(" in text or re.match(r"^Real-?time via WebSockets#?$", text):
                self._add_capability("realtime")

    def _add_capability(self, capability: Capability) -> None:
        if capability not in self.page.capabilities:
            self.page.capabilities.append(capability)

    # -- schema -------------------------------------------------------------------------

    def _read_schema(self, lines: list[Line]) -> None:
        schema: PageSchema | None = None
        state: FieldState | None = None
        blank_since_field = False
        in_types = False
        index = 0
        while index < len(lines):
            line = lines[index]
            text = line.stripped
            index += 1
            if PAGE_END.match(text):
                break
            if not text:
                blank_since_field = True
                if state and state.description:
                    state.closed = True
                continue
            heading = self._heading(text, in_types)
            if heading is not None:
                self._finish_field(schema, state)
                state = None
                if heading == "Other types":
                    in_types = True
                    schema = None
                    continue
                schema = self._open_schema(heading, line, in_types)
                blank_since_field = False
                continue
            if schema is None:
                if in_types and JSON_START.match(text):
                    index = self._skip_json(lines, index - 1)
                    continue
                self._report(Code.TEXT_OUTSIDE_SCHEMA, line, f"text outside any schema section ignored: {clip(text)!r}")
                continue
            if JSON_START.match(text):
                self._finish_field(schema, state)
                state = None
                if schema.role == "type":
                    self._report(Code.STRAY_JSON, line, f"JSON block inside type {schema.name} ignored")
                    index = self._skip_json(lines, index - 1)
                else:
                    index = self._read_example(schema, lines, index - 1)
                continue
            parsed = self._field_line(line, schema)
            if parsed is not None:
                self._finish_field(schema, state)
                state = parsed
                blank_since_field = False
                continue
            enum_match = ENUM_VALUES.match(text)
            if enum_match:
                values = [v.strip() for v in enum_match.group("values").split(",") if v.strip()]
                target = schema.orphans[-1] if self._orphan_open(schema, state) else state
                if target is None:
                    self._report(Code.STRAY_ENUM_VALUES, line, "enum values with no field before them")
                elif isinstance(target, Orphan):
                    target.enum_values = values
                    target.lines.append(line)
                else:
                    target.enum_values = values
                continue
            if text.startswith("Note:"):
                index = self._skip_note(lines, index)
                continue
            default_match = DEFAULT_VALUE.match(text) if text.startswith("Default value:") else None
            if default_match and state is not None and state.default_text is None and not self._orphan_open(schema, state):
                state.default_text = default_match.group("value")
                state.default_line = line
                continue
            if JSON_FRAGMENT.match(text):
                self._report(Code.STRAY_JSON, line, f"JSON fragment outside an example ignored: {clip(text)!r}")
                continue
            # Prose: the current field's description, or the trace of a field whose name was lost.
            # In the run-together layout the description sits on the field line, so prose
            # below it is kept apart and `recover` decides whether it continues that field.
            lookalike = field_line_lookalike(text)
            if lookalike is not None:
                self._report(Code.FIELD_LIKE_TEXT, line, f"{lookalike}; kept as description text in {schema.name}")
            if state is not None and not state.closed and not state.inline_description:
                state.description.append(text)
                continue
            if self._orphan_open(schema, state):
                schema.orphans[-1].lines.append(line)
                continue
            self._finish_field(schema, state)
            after_field = state is not None and not blank_since_field
            state = None
            schema.orphans.append(Orphan(position=len(schema.fields), lines=[line], after_field=after_field))
        self._finish_field(schema, state)
        for page_schema in self.page.schemas():
            self._finalize_schema(page_schema)

    def _heading(self, text: str, in_types: bool) -> str | None:
        if text in ("Input#", "Output#", "Other types#", "Other#"):
            return "Other types" if text.startswith("Other") else text[:-1]
        match = TYPE_HEADING.match(text)
        if match and in_types:
            return match.group("name")
        return None

    def _open_schema(self, heading: str, line: Line, in_types: bool) -> PageSchema:
        if heading in ("Input", "Output") and not in_types:
            role = heading.lower()
            existing = getattr(self.page, role)
            if existing is not None:
                self._report(Code.REPEATED_SECTION, line, f"second {heading} section; its fields are added to the first")
                return existing  # type: ignore[no-any-return]
            schema = PageSchema(role=role, name=heading, heading=line)
            setattr(self.page, role, schema)
            return schema
        schema = PageSchema(role="type", name=heading, heading=line)
        self.page.types.append(schema)
        return schema

    def _known_types(self) -> frozenset[str]:
        if self._type_names is None:  # every field line asks: read the page's headings once
            names = {match.group("name") for line in self.lines if (match := TYPE_HEADING.match(line.stripped))}
            self._type_names = frozenset(n for n in names if is_type_name(n) and n not in ("Input", "Output", "Other"))
        return self._type_names

    def _field_line(self, line: Line, schema: PageSchema) -> FieldState | None:
        text = line.stripped
        marked = False
        description = ""
        if NBSP not in text and line.text.lstrip(" \t").startswith(NBSP) and _is_type_text(text):
            text = NBSP + text  # `\u00a0string* required`: the name is empty (strip() took the NBSP)
        if NBSP in text:
            name, _, rest = text.partition(NBSP)
            name = name.strip()
            try:
                type_expr, rest = split_type_prefix(rest.strip(), self._known_types())
                if rest[:1] in ("<", ">", "[", "]", "|", ","):  # `Foo<Bar>`: not a description glued on
                    raise TypeSyntaxError(f"unexpected {rest[:20]!r} after type {type_expr.render()!r}")
            except TypeSyntaxError as error:
                self._report(Code.UNKNOWN_TYPE, line, f"field {name!r}: cannot read type ({error}); typed as any")
                type_expr, rest = TypeExpr(kind="any"), ""
            if rest.startswith(REQUIRED_MARK):
                marked = True
                rest = rest[len(REQUIRED_MARK) :]
            description = rest.strip()
        else:
            parsed = space_field(text, self._known_types())
            if parsed is None:
                return None
            name, marked, description = parsed.name, parsed.marked, parsed.description
            if parsed.type is None:
                self._report(Code.UNKNOWN_TYPE, line, f"field {name!r}: cannot read type {text.partition(' ')[2]!r}; typed as any")
            type_expr = parsed.type or TypeExpr(kind="any")
        if not name:
            self._report(Code.EMPTY_FIELD_NAME, line, "field line without a name; kept under the empty wire name")
        self.page.field_lines.append(line)
        if marked:
            self.page.has_markers = True
        state = FieldState(
            field=Property(
                name=name,
                type=type_expr,
                required=marked,
                required_source="marker",
                provenance=Provenance(file=line.file, line=line.number),
            ),
            line=line,
            marked_required=marked,
        )
        if description:
            state.description.append(description)
            state.inline_description = True
        return state

    def _orphan_open(self, schema: PageSchema, state: FieldState | None) -> bool:
        if not schema.orphans:
            return False
        orphan = schema.orphans[-1]
        return orphan.position == len(schema.fields) and state is None

    def _finish_field(self, schema: PageSchema | None, state: FieldState | None) -> None:
        if schema is None or state is None:
            return
        if any(s.field.name == state.field.name for s in schema.states):
            self._report(Code.DUPLICATE_FIELD, state.line, f"field {state.field.name!r} appears twice in {schema.name}; the later one wins")
            index = next(i for i, f in enumerate(schema.fields) if f.name == state.field.name)
            del schema.fields[index]
            for orphan in schema.orphans:  # positions index `fields`
                if orphan.position > index:
                    orphan.position -= 1
            schema.states = [s for s in schema.states if s.field.name != state.field.name]
        schema.states.append(state)
        schema.fields.append(state.field)

    def _finalize_schema(self, schema: PageSchema) -> None:
        """Attach enum-value lines that trail a field's multi-paragraph description to it,
        then type every field's default and enum values."""
        for orphan in list(schema.orphans):
            _finish_orphan(orphan)
            previous = schema.states[orphan.position - 1] if 0 < orphan.position <= len(schema.states) else None
            if previous is not None and orphan.enum_values and previous.enum_values is None and has_empty_enum(previous.field.type):
                previous.description.extend(["", *[line.stripped for line in orphan.lines if not line.stripped.startswith("Possible enum values")]])
                previous.enum_values = orphan.enum_values
                schema.orphans.remove(orphan)
        for state in schema.states:
            self._finalize_field(schema, state)

    def _finalize_field(self, schema: PageSchema, state: FieldState) -> None:
        text = "\n".join(state.description)
        default_text = state.default_text
        if default_text is None:
            inline = _split_default(text)
            if inline is not None:
                text, default_text = inline
        result = state.field
        result.description = text.strip()
        if state.enum_values is not None:
            attach_enum(result.type, state.enum_values, default_text)
            if not result.type.enum_values() and state.enum_values:
                self._report(
                    Code.ENUM_VALUES_WITHOUT_ENUM,
                    state.line,
                    f"field {result.name!r} lists enum values but its type {result.type.render()} has no enum; values kept as an enum variant",
                )
                result.type = TypeExpr(kind="union", variants=[result.type, TypeExpr(kind="enum", values=typed_values(state.enum_values, default_text))])
        elif has_empty_enum(result.type):
            self._report(Code.ENUM_WITHOUT_VALUES, state.line, f"field {result.name!r} is an enum but the page lists no values; typed as string")
            empty_enums_to_string(result.type)
        if default_text is not None:
            result.has_default = True
            result.default = parse_default(default_text, result.type)
            schema.default_texts[result.name] = default_text

    # -- examples and notes ---------------------------------------------------------------

    def _read_example(self, schema: PageSchema, lines: list[Line], start: int) -> int:
        end = self._skip_json(lines, start)
        block = lines[start:end]
        raw = "\n".join(line.text for line in block)
        try:
            value = strict_json(raw)
        except json.JSONDecodeError as error:
            at = block[min(error.lineno - 1, len(block) - 1)] if block else lines[start]
            self._report(Code.BAD_EXAMPLE_JSON, at, f"{schema.name} example is not valid JSON ({error.msg}); example dropped")
            return end
        except (ValueError, RecursionError) as error:  # NaN, 1e999, a 5000-digit number; nesting
            at = block[0] if block else lines[start]
            reason = str(error) if isinstance(error, ValueError) else "nested too deeply"
            self._report(Code.BAD_EXAMPLE_JSON, at, f"{schema.name} example is not valid JSON ({reason}); example dropped")
            return end
        if schema.example is not None:
            self._report(Code.REPEATED_EXAMPLE, block[0], f"second {schema.name} example; the first one is kept")
            return end
        schema.example = Example(value=value, provenance=Provenance(file=block[0].file, line=block[0].number))
        return end

    def _skip_json(self, lines: list[Line], start: int) -> int:
        """Index just past the JSON value that starts at `lines[start]` (balanced brackets)."""
        depth = 0
        in_string = False
        escaped = False
        for index in range(start, len(lines)):
            if index > start and lines[index].stripped in ("Input#", "Output#", "Other types#"):
                return index  # An unterminated example must not swallow the next section.
            for char in lines[index].text:
                if in_string:
                    if escaped:
                        escaped = False
                    elif char == "\\":
                        escaped = True
                    elif char == '"':
                        in_string = False
                elif char == '"':
                    in_string = True
                elif char in "{[":
                    depth += 1
                elif char in "}]":
                    depth -= 1
            if depth <= 0 and not in_string:
                return index + 1
        return len(lines)

    def _skip_note(self, lines: list[Line], index: int) -> int:
        """Notes are site UI hints ("Note: For custom image sizes..."), followed by a snippet."""
        while index < len(lines) and not lines[index].stripped:
            index += 1
        if index < len(lines) and lines[index].stripped.startswith(('"', "{")):
            return self._skip_json_fragment(lines, index)
        return index

    def _skip_json_fragment(self, lines: list[Line], index: int) -> int:
        depth = 0
        opened = False
        while index < len(lines):
            text = lines[index].text
            depth += text.count("{") + text.count("[") - text.count("}") - text.count("]")
            opened = opened or "{" in text or "[" in text
            index += 1
            if opened and depth <= 0:
                break
        return index

    # -- diagnostics --------------------------------------------------------------------

    def _anchor(self) -> Line:
        return self.page.id_line or (self.lines[0] if self.lines else Line("", self.page.file, self.page.first_line))

    def _report(self, code: Code, line: Line, message: str) -> None:
        self.diagnostics.emit(code, message, line.file, line.number, self._page_id())

    def _page_id(self) -> str | None:
        if self.page.id_line is not None:
            return self.page.id_line.stripped
        return self.page.code_ids[0][0] if self.page.code_ids else None


def _is_heading(text: str) -> bool:
    """`Submit a request#`: a section heading ends in `#` right after its last word; prose
    that merely ends in one (`a title #`, `code  # comment`) does not."""
    return text.endswith("#") and not text[:-1].endswith((" ", "\t"))


def _is_type_text(text: str) -> bool:
    """`list<File>* required`, `string`: a type, maybe marked, and nothing else."""
    try:
        parse_type(text.removesuffix(REQUIRED_MARK))
    except TypeSyntaxError:
        return False
    return True


def _is_title(text: str) -> bool:
    words = [word for word in re.split(r"[\s\-]+", text) if len(word) > 3]
    capitalised = sum(1 for word in words if word[0].isupper() or word[0].isdigit())
    return not _is_sentence(text) and len(text) <= 80 and bool(words) and capitalised * 2 >= len(words)


def _is_sentence(text: str) -> bool:
    return text.endswith((".", "?")) or len(text) > 100



def _split_default(description: str) -> tuple[str, str] | None:
    """`... Default value: 2.5` at the end of a description -> (description, "2.5")."""
    index = description.rfind("Default value: ")
    if index < 0 or "\n" in description[index:]:
        return None
    return description[:index].rstrip(), description[index + len("Default value: ") :]


def _finish_orphan(orphan: Orphan) -> None:
    texts: list[str] = []
    for line in orphan.lines:
        text = line.stripped
        match = ENUM_VALUES.match(text)
        if match:
            orphan.enum_values = [v.strip() for v in match.group("values").split(",") if v.strip()]
        elif text.startswith("Default value:"):
            orphan.default_text = text[len("Default value:") :].strip()
        else:
            texts.append(text)
    description = "\n".join(texts)
    inline = _split_default(description)
    if inline is not None and orphan.default_text is None:
        description, orphan.default_text = inline
    orphan.description = description.strip()
