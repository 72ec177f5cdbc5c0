# Copied from templates/package/fal_bindings/testing/_app_state.py by falgen. Edit the source, then run make generate.
"""What every part of the emulator app shares: the endpoints, the lock, and the steering in force
(behaviour, injected faults). `EmulatorApp.__init__` sets every attribute declared here and in
the other parts; each part declares the state it owns."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ._controls import Behavior, BehaviorChanges, Fault
from ._http import HTTPError, RequestReader
from ._specs import EndpointSpec


@dataclass
class FaultRule:
    fault: Fault
    remaining: int | None
    endpoint_id: str | None
    operations: frozenset[str] | None


class _CountedRule(Protocol):
    remaining: int | None
    """How many more requests the rule applies to (None: all)."""


_RuleT = TypeVar("_RuleT", bound=_CountedRule)


class AppState(RequestReader):
    """Control methods run on the test's thread and handlers on the server's, so shared state is
    only touched under `lock`."""

    specs: Mapping[str, EndpointSpec]
    base_url: str
    lock: threading.Lock
    initial_behavior: Behavior
    global_behavior: Behavior
    overrides: dict[str, BehaviorChanges]
    faults: list[FaultRule]

    def behavior(self, endpoint_id: str | None) -> Behavior:
        """The global behaviour with the endpoint's overrides applied."""
        with self.lock:
            changes = self.overrides.get(endpoint_id, {}) if endpoint_id else {}
            return (
                dataclasses.replace(self.global_behavior, **changes)
                if changes
                else self.global_behavior
            )

    def take_fault(self, endpoint_id: str | None, operation: str | None) -> Fault | None:
        """The injected fault for this request, if any (counted against its rule)."""
        rule = self._take(
            self.faults,
            lambda rule: rule.endpoint_id in (None, endpoint_id)
            and (rule.operations is None or operation in rule.operations),
        )
        return None if rule is None else rule.fault

    def _take(self, rules: list[_RuleT], match: Callable[[_RuleT], bool]) -> _RuleT | None:
        """The first of `rules` that `match`es, used once: a rule for `remaining` requests is
        removed when they are used up (None: no rule matches)."""
        with self.lock:
            for index, rule in enumerate(rules):
                if not match(rule):
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        del rules[index]
                return rule
        return None

    def _match_endpoint(self, path: str) -> tuple[EndpointSpec, list[str]]:
        """The endpoint whose id is the longest prefix of `path`, and the remaining segments."""
        segments = [s for s in path.split("/") if s]
        for size in range(len(segments), 0, -1):
            spec = self.specs.get("/".join(segments[:size]))
            if spec is not None:
                return spec, segments[size:]
        raise HTTPError(404, f"Application {'/'.join(segments)!r} not found")
