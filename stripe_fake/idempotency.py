"""Idempotency keys as Stripe keeps them.

A POST's result is saved under (API key, ``Idempotency-Key``). Repeating the key with the
same method, path and parameters replays the saved status and body (with
``Idempotent-Replayed: true``); different parameters get a 400 ``idempotency_error``.
Like Stripe, only requests that ran are saved (2xx, and 402 card errors), not requests that
failed validation, so a corrected retry with the same key still works. Like Stripe, a key
is pruned once it is 24 hours old (on the fake's clock): the same key then makes a new
request, so only a lookup can keep a late retry from moving money twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from stripe_fake.errors import idempotency_mismatch, invalid
from stripe_fake.params import Params

MAX_KEY_LENGTH = 255
KEY_LIFETIME = 24 * 3600  # seconds; Stripe may prune a key once it is this old


@dataclass(frozen=True)
class SavedResponse:
    """The first answer given for an idempotency key."""

    fingerprint: str
    status: int
    body: bytes
    request_id: str
    saved_at: float = 0.0  # the fake's clock, in seconds


def fingerprint(method: str, path: str, params: Params) -> str:
    """What must match for a replay: method, path and the decoded parameters."""
    return json.dumps([method, path, params], sort_keys=True)


@dataclass
class IdempotencyCache:
    """Saved responses by (API key, idempotency key)."""

    saved: dict[tuple[str, str], SavedResponse] = field(default_factory=dict)

    def lookup(
        self, api_key: str, key: str, request_fingerprint: str, now: float | None = None
    ) -> SavedResponse | None:
        """The saved response to replay, None for a new key; raises on a params mismatch.

        With `now`, a key saved `KEY_LIFETIME` or more before is pruned (a new key again).
        """
        if len(key) > MAX_KEY_LENGTH:
            raise invalid(
                f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters long.",
                param="Idempotency-Key",
            )
        saved = self.saved.get((api_key, key))
        if saved is not None and now is not None and now - saved.saved_at >= KEY_LIFETIME:
            del self.saved[(api_key, key)]
            return None
        if saved is not None and saved.fingerprint != request_fingerprint:
            raise idempotency_mismatch(key)
        return saved

    def remember(self, api_key: str, key: str, response: SavedResponse) -> None:
        """Save a response that should be replayed (2xx and 402)."""
        if 200 <= response.status < 300 or response.status == 402:
            self.saved[(api_key, key)] = response
