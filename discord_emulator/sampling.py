"""How many of the emulator's own payloads are checked against Discord's description.

Checking every REST answer and gateway dispatch against the response schemas costs about
a quarter of a bot test's time, and the emulator builds each kind of payload with the same
code every time. So by default the first `PER_KIND` payloads of each kind (an operation
and status, or a gateway event) in a process are checked, and every one after that only
when `check_every_payload` is set: the emulator's own tests
(`tests/emulator/test_openapi_responses.py` drives every route and event) and `make demo`
set it, so the emulator's output cannot drift unseen.
"""

from __future__ import annotations

from collections import Counter

PER_KIND = 40

_checked: Counter[str] = Counter()


def wants_check(kind: str, *, check_every_payload: bool) -> bool:
    """Whether to check this payload of `kind` (and count it)."""
    if check_every_payload:
        return True
    _checked[kind] += 1
    return _checked[kind] <= PER_KIND
