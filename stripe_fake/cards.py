"""Stripe's test card numbers and what each does when charged."""

from __future__ import annotations

from dataclasses import dataclass

from stripe_fake.errors import card_declined

SUCCESS_CARD = "4242424242424242"
GENERIC_DECLINE_CARD = "4000000000000002"
CHARGES_FAIL_CARD = "4000000000000341"
"""Attaching it to a Customer (saving it) succeeds; every charge of it is declined."""


@dataclass(frozen=True)
class Decline:
    """How a test card fails: the error code, decline code and customer-facing message."""

    code: str
    decline_code: str
    message: str


DECLINES: dict[str, Decline] = {
    GENERIC_DECLINE_CARD: Decline("card_declined", "generic_decline", "Your card was declined."),
    CHARGES_FAIL_CARD: Decline("card_declined", "generic_decline", "Your card was declined."),
    "4000000000009995": Decline(
        "card_declined", "insufficient_funds", "Your card has insufficient funds."
    ),
    "4000000000009987": Decline("card_declined", "lost_card", "Your card was declined."),
    "4000000000009979": Decline("card_declined", "stolen_card", "Your card was declined."),
    "4000000000000069": Decline("expired_card", "expired_card", "Your card has expired."),
    "4000000000000127": Decline(
        "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."
    ),
    "4000000000000119": Decline(
        "processing_error",
        "processing_error",
        "An error occurred while processing your card. Try again in a little bit.",
    ),
}


def _luhn_ok(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def normalize(number: str) -> str:
    """Digits only; a 402 ``incorrect_number`` when it is not a valid card number."""
    digits = "".join(char for char in number if char not in " -")
    if not digits.isdigit() or not 13 <= len(digits) <= 19 or not _luhn_ok(digits):
        raise card_declined(
            "Your card number is incorrect.", code="incorrect_number", decline_code=None
        )
    return digits


def brand(number: str) -> str:
    """The card brand Stripe reports for a test number."""
    if number.startswith(("34", "37")):
        return "amex"
    if number.startswith(("51", "52", "53", "54", "55", "2")):
        return "mastercard"
    return "visa"
