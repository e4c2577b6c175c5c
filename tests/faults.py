"""The reliability suite's counters, printed at the end of a pytest run (see tests/conftest.py).

Fuzzing (tests/test_fuzz.py), Bot API faults (tests/test_crash.py) and kill -9 runs
(tests/e2e/test_kill.py) add to :data:`COUNTS`; each of those tests also asserts that its own
``crashes`` and ``data lost`` stay at zero.
"""

from __future__ import annotations

from collections import Counter

COUNTS: Counter[str] = Counter()
ORDER = ("inputs tried", "crashes", "data lost", "Bot API faults injected", "retries", "kills", "restarts",
         "articles acknowledged before a kill", "digest parts sent twice")


def summary() -> str | None:
    """One line of counts, or None if no fault test ran."""
    if not COUNTS:
        return None
    keys = [k for k in ORDER if k in COUNTS or k in ORDER[:3]] + sorted(set(COUNTS) - set(ORDER))
    return "fault suite: " + ", ".join(f"{key} {COUNTS[key]}" for key in keys)
