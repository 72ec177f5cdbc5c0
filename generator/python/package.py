"""The views of a package's modules: one endpoint module, one shared-type module, or all of them
in memory (`build_package`)."""

from __future__ import annotations

from collections.abc import Mapping

from generator.core.ir import Endpoint, Schema
from generator.python.annotate import Annotator, import_order, known, model_view, shown_names
from generator.python.identifiers import ASYNC_PREFIX, GENERATED_MODULE_NAMES
from generator.python.layout import Decisions, Layout
from generator.python.namelock import NameLock
from generator.python.shared_types import summarize
from generator.python.views import EndpointView, EnumView, ModelView, PackageView, SharedTypeModule, spec_hash


def build_package(
    endpoints: list[Endpoint], spec_documents: dict[str, bytes], spec_files: dict[str, str], lock: NameLock | None = None
) -> PackageView:
    """Every view of the package, in memory (the renderer builds the same views one module at
    a time, reusing what it rendered before)."""
    ids = [e.id for e in endpoints]
    documents = {e.id: (spec_hash(spec_documents[e.id]), spec_files[e.id]) for e in endpoints}
    package_hash = spec_hash(b"".join(spec_documents[i] for i in sorted(ids)))
    layout = Layout([summarize(e) for e in endpoints], documents, package_hash, lock)
    by_id = {e.id: e for e in endpoints}
    view = layout.view()
    view.endpoints = sorted((endpoint_view(e, layout) for e in endpoints), key=lambda v: v.endpoint_id)
    view.shared = sorted((shared_module(c, by_id, layout) for c in layout.components), key=lambda m: m.module)
    return view


def endpoint_view(endpoint: Endpoint, decisions: Decisions) -> EndpointView:
    """The view of one endpoint module: its IR and the package-wide decisions it reads."""
    decisions.source(endpoint.id)  # the view is a function of this IR: a record notes which
    class_name, file, document_hash, document_file = known(decisions.endpoint(endpoint.id), endpoint.id)
    module_reserved = frozenset({"Input", "Output", "ENDPOINT_ID", class_name, "Async" + class_name})

    def views(shown: dict[str, str]) -> tuple[dict[str, Annotator], dict[str, EnumView], ModelView, ModelView]:
        enums: dict[str, EnumView] = {}
        annotators = {role: Annotator(decisions, endpoint, role, reserved=module_reserved, enums=enums, shown=shown) for role in ("input", "output")}
        # The enum aliases and the endpoint class share the module namespace with the models.
        input_view = model_view(endpoint.input, "Input", "input", annotators["input"], endpoint, f"Input of `{endpoint.id}`.")
        output_view = model_view(endpoint.output, "Output", "output", annotators["output"], endpoint, f"Output of `{endpoint.id}`.")
        return annotators, enums, input_view, output_view

    # Twice: the first pass finds the shared types and enum aliases the module uses, the second
    # names each shared type by its friendly name where no other name of the module takes it.
    annotators, enums, _, _ = views({})
    refs = {**annotators["input"].refs, **annotators["output"].refs}
    shown = shown_names(refs, decisions, module_reserved | GENERATED_MODULE_NAMES | set(enums))
    annotators, enums, input_view, output_view = views(shown) if shown else views({})
    imports = sorted(annotators["input"].imports | annotators["output"].imports, key=import_order)
    aliases = {**annotators["input"].aliases, **annotators["output"].aliases}
    module_names = {"Input", "Output", class_name, ASYNC_PREFIX + class_name, *enums, *(c for _, c in imports)}
    return EndpointView(
        endpoint_id=endpoint.id,
        class_name=class_name,
        file=file,
        title=endpoint.title,
        description=endpoint.description,
        category=endpoint.category,
        capabilities=list(endpoint.capabilities),
        input=input_view,
        output=output_view,
        enums=sorted(enums.values(), key=lambda e: e.name),
        type_imports=imports,
        type_aliases=sorted((doc, cls) for doc, cls in aliases.items() if doc not in module_names),
        spec_hash=document_hash,
        spec_file=document_file,
    )


def shared_module(component: list[str], endpoints: Mapping[str, Endpoint], decisions: Decisions) -> SharedTypeModule:
    """The view of one module under `types/`: the types of `component` (fingerprints; more than
    one for a cycle). `endpoints` holds (at least) the IR of each type's provider and owner."""
    table = decisions.table
    members = sorted(component, key=lambda fp: str(decisions.class_name(fp)))
    module = known(decisions.module(members[0]), members[0])
    own = {fp: known(decisions.export_name(fp), fp) for fp in members}

    def views(shown: dict[str, str]) -> tuple[list[ModelView], dict[str, EnumView], set[tuple[str, str]], dict[str, str]]:
        models: list[ModelView] = []
        enums: dict[str, EnumView] = {}
        imports: set[tuple[str, str]] = set()
        refs: dict[str, str] = {}
        for fingerprint in members:
            name, role = table.doc_names[fingerprint], table.roles[fingerprint]
            schema = endpoints[known(decisions.provider(fingerprint), fingerprint).endpoint_id].type(name) or Schema(name=name)
            endpoint = endpoints[known(decisions.owner(fingerprint), fingerprint).endpoint_id]
            annotator = Annotator(decisions, endpoint, role, own_module=module, enums=enums, shown=shown)
            description = schema.description or f"The `{schema.name}` type."
            models.append(model_view(schema, own[fingerprint], role, annotator, endpoint, description))
            imports |= annotator.imports
            refs.update(annotator.refs)
        return models, enums, imports, refs

    # Twice, as for an endpoint module: first find the names used, then name each type.
    _, enums, _, refs = views({})
    refs.update({fp: known(decisions.class_name(fp), fp) for fp in members})
    models, enums, imports, _ = views(shown_names(refs, decisions, GENERATED_MODULE_NAMES | set(enums), own))
    public = {fp: known(decisions.class_name(fp), fp) for fp in members}
    aliases = sorted((public[fp], own[fp]) for fp in members if public[fp] != own[fp])
    return SharedTypeModule(
        module=module,
        models=models,
        enums=sorted(enums.values(), key=lambda e: e.name),
        imports=sorted(imports, key=import_order),
        fingerprint=",".join(sorted(component)),
        public_aliases=aliases,
    )
