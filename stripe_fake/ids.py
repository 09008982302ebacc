"""Object ids with Stripe's prefixes (``cs_test_``, ``pi_``, ``ch_``, ``acct_`` …)."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits

# Stripe's prefixes; the length is that of the random part.
PREFIXES: dict[str, tuple[str, int]] = {
    "checkout.session": ("cs_test_", 58),
    "payment_intent": ("pi_", 24),
    "charge": ("ch_", 24),
    "refund": ("re_", 24),
    "payment_method": ("pm_", 24),
    "customer": ("cus_", 14),
    "setup_intent": ("seti_", 24),
    "account": ("acct_", 16),
    "transfer": ("tr_", 24),
    "dispute": ("du_", 24),
    "event": ("evt_", 24),
    "webhook_endpoint": ("we_", 24),
    "request": ("req_", 14),
    "destination_payment": ("py_", 24),
    "balance_transaction": ("txn_", 24),
    "account_link": ("acli_", 24),
    "transfer_reversal": ("trr_", 24),
    "file": ("file_", 24),
}


def random_part(length: int) -> str:
    """`length` random letters and digits."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_id(kind: str) -> str:
    """A fresh id for an object of type `kind` (its ``object`` field)."""
    prefix, length = PREFIXES[kind]
    return prefix + random_part(length)


def kind_of(object_id: str) -> str | None:
    """The object type an id belongs to, from its prefix (None when unknown)."""
    for kind, (prefix, _length) in PREFIXES.items():
        if object_id.startswith(prefix):
            return kind
    return None
