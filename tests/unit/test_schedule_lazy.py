"""The scheduler's speed work changes no result: a fingerprint of many plans, pinned."""

from __future__ import annotations

from schedule_cases import fingerprint  # tests/unit is on sys.path (pytest rootdir import mode)

FINGERPRINT = "3e0242ce0101f7933b4b9ddddee5f47d2a6261b8f897cc032caf58daa727598b"
"""Made by the scheduler before the lazy sessions and the walk's fast path (commit 2a73d76)."""


def test_results_unchanged_over_many_settings() -> None:
    assert fingerprint() == FINGERPRINT
