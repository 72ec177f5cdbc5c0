"""Generated imports come in ruff's (isort's) natural order, so `ruff check` of the package
finds nothing to sort, whatever names the catalogue brings."""

from __future__ import annotations

from generator.python.annotate import natural_key


def test_natural_order_matches_ruff() -> None:
    # Each list is in the order ruff's isort (natord) gives; shuffled input must sort back to it.
    cases = [
        ["minimax.hailuo_02.pro", "minimax.hailuo_02_fast", "minimax.hailuo_2_3.pro", "minimax.hailuo_2_3_fast"],
        ["moondream.batched", "moondream2", "moondream3_preview.caption", "moondream_next"],
        ["AlibabaHappyHorse", "AsyncAlibabaHappyHorse"],
        ["AsyncFlux2", "Flux2"],
        ["payload_903b0f", "payload_1531b8"],
        ["speech_02_hd", "speech_2_5_hd", "speech_2_6_hd"],
    ]
    for expected in cases:
        assert sorted(reversed(expected), key=natural_key) == expected
