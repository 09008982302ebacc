"""Stripe-shaped API errors: the JSON body and status that make `stripe` raise the right class.

The library picks the exception from the status and ``error.type``: 400/404 with
``invalid_request_error`` → ``InvalidRequestError``, 400 with ``idempotency_error`` →
``IdempotencyError``, 402 (``card_error``) → ``CardError``, 401 → ``AuthenticationError``.
"""

from __future__ import annotations

from typing import Any


class StripeFakeError(Exception):
    """An API error, answered as ``{"error": {...}}`` with `status`."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        error_type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        violation: bool = False,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.violation = violation  # the request broke the API contract (see `violations`)
        self.status = status
        self.message = message
        self.error_type = error_type
        self.code = code
        self.param = param
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body Stripe sends for this error."""
        error: dict[str, Any] = {"type": self.error_type, "message": self.message}
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = f"https://docs.stripe.com/error-codes/{self.code.replace('_', '-')}"
        if self.param is not None:
            error["param"] = self.param
        error.update(self.extra)
        return {"error": error}


def invalid(
    message: str, *, param: str | None = None, code: str | None = None, violation: bool = False
) -> StripeFakeError:
    """A 400 ``invalid_request_error`` (`violation`: Stripe refuses the request itself)."""
    return StripeFakeError(400, message, param=param, code=code, violation=violation)


def missing_param(param: str) -> StripeFakeError:
    """A required parameter is absent."""
    return invalid(f"Missing required param: {param}.", param=param, code="parameter_missing")


def unknown_param(param: str) -> StripeFakeError:
    """A parameter the endpoint does not take."""
    return invalid(f"Received unknown parameter: {param}", param=param, code="parameter_unknown")


def unsupported(what: str, *, param: str | None = None) -> StripeFakeError:
    """A real Stripe feature this fake does not model (a 400, so tests notice)."""
    return StripeFakeError(
        400, f"stripe_fake does not support {what}.", param=param, violation=True
    )


def no_such(kind: str, object_id: str, *, param: str | None = None) -> StripeFakeError:
    """A 404 ``resource_missing`` for an unknown id."""
    return StripeFakeError(
        404, f"No such {kind}: '{object_id}'", param=param, code="resource_missing"
    )


def unexpected_state(message: str) -> StripeFakeError:
    """A PaymentIntent (or other object) is not in a state that allows the action."""
    return invalid(message, code="payment_intent_unexpected_state")


def card_declined(
    message: str, *, code: str, decline_code: str | None, **extra: Any
) -> StripeFakeError:
    """A 402 ``card_error`` (the library raises ``stripe.CardError``)."""
    if decline_code is not None:
        extra["decline_code"] = decline_code
    return StripeFakeError(402, message, error_type="card_error", code=code, **extra)


def idempotency_mismatch(key: str) -> StripeFakeError:
    """The same idempotency key was reused with different parameters."""
    return StripeFakeError(
        400,
        "Keys for idempotent requests can only be used with the same parameters they were "
        f"first used with. Try using a key other than '{key}' if you meant to execute a "
        "different request.",
        error_type="idempotency_error",
    )


def unauthorized(key: str | None) -> StripeFakeError:
    """No usable test-mode secret key."""
    shown = "none" if not key else f"{key[:8]}…"
    return StripeFakeError(
        401,
        f"Invalid API Key provided: {shown} (stripe_fake takes test-mode keys, sk_test_…)",
    )
