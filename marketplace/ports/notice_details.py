"""What a notice says beyond its kind and booking: one frozen dataclass per kind that has more.

Each is built from, and written back as, the flat string fields a queued notice stores in
its scheduled action's payload (``from_fields`` / ``fields``). That stored form is kept
exactly as before these types existed, so rows queued by an older release still read;
``from_fields`` is lenient for the same reason: a missing or odd field gets the default
the presenters always fell back to, never an error at delivery time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Self, TypeAlias

Field: TypeAlias = str | int | bool
"""One stored payload value (JSON: text, a number, or a flag)."""


def _text(fields: Mapping[str, object], key: str) -> str:
    """A field as text ("" when absent or empty), the way the presenters always read it."""
    value = fields.get(key)
    return "" if value is None else str(value)


def _non_empty(**named: Field | None) -> dict[str, Field]:
    return {key: value for key, value in named.items() if value not in (None, "", False)}


@dataclass(frozen=True, slots=True)
class NoDetails:
    """A kind whose booking (or kind alone) says everything."""

    def fields(self) -> dict[str, Field]:
        """Nothing to store."""
        return {}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Nothing to read."""
        return cls()


NO_DETAILS = NoDetails()


@dataclass(frozen=True, slots=True)
class RequestDetails:
    """A booking request to the tutor: what past tutors said of the student.

    Both stay as stored text; the presenter decides what a count or rating it cannot read
    means, as it did before.
    """

    student_reviews: str = ""
    student_rating: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form (keys only when known, as `reviews.student_standing` wrote it)."""
        return _non_empty(student_reviews=self.student_reviews, student_rating=self.student_rating)

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "student_reviews"), _text(fields, "student_rating"))


@dataclass(frozen=True, slots=True)
class CancelledDetails:
    """A cancellation, with the reason its author gave ("" for none)."""

    reason: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"reason": self.reason}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "reason"))


@dataclass(frozen=True, slots=True)
class ExpiredDetails:
    """An expired request; `unpaid` when the student never paid (the tutor never saw it)."""

    unpaid: bool = False

    def fields(self) -> dict[str, Field]:
        """The stored form ("1" for unpaid, nothing otherwise)."""
        return {"unpaid": "1"} if self.unpaid else {}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form (any non-empty value means unpaid)."""
        return cls(bool(fields.get("unpaid")))


@dataclass(frozen=True, slots=True)
class ReminderDetails:
    """A reminder: how long before the start, whether it carries Check in, and the space."""

    offset_minutes: int = 0
    check_in: bool = False
    space_id: int | None = None

    def fields(self) -> dict[str, Field]:
        """The form the reminder job always built (flags and space only when set)."""
        found: dict[str, Field] = {"offset_minutes": self.offset_minutes}
        if self.check_in:
            found["check_in"] = True
        if self.space_id is not None:
            found["space_id"] = self.space_id
        return found

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the built form (only a real int is a space, only True is Check in)."""
        offset, space = fields.get("offset_minutes", 0), fields.get("space_id")
        try:
            minutes = offset if isinstance(offset, int) else int(str(offset))
        except ValueError:
            minutes = 0
        return cls(
            minutes,
            fields.get("check_in") is True,
            space if isinstance(space, int) and not isinstance(space, bool) else None,
        )


@dataclass(frozen=True, slots=True)
class PaymentDisputedDetails:
    """A card dispute froze a payout; `paid_out` when the tutor had been paid already."""

    paid_out: bool = False

    def fields(self) -> dict[str, Field]:
        """The stored form ("yes" when paid out, nothing otherwise)."""
        return {"paid_out": "yes"} if self.paid_out else {}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form (any non-empty value means paid out)."""
        return cls(bool(fields.get("paid_out")))


@dataclass(frozen=True, slots=True)
class CardDisputeDecidedDetails:
    """A card dispute's outcome: "won" or "lost"."""

    outcome: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"outcome": self.outcome}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "outcome"))


@dataclass(frozen=True, slots=True)
class AmountDetails:
    """An amount (minor units as text) and its currency: a payout, reversal or failed refund.

    Kept as text so an unreadable amount reaches the presenter, which words it generically.
    """

    amount: str = ""
    currency: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"amount": self.amount, "currency": self.currency}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "amount"), _text(fields, "currency"))


@dataclass(frozen=True, slots=True)
class NoShowDetails:
    """Who missed the session: "tutor" or "student"."""

    absent: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"absent": self.absent}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "absent"))


@dataclass(frozen=True, slots=True)
class DisputeOpenedDetails:
    """A dispute about the reader's session, by its id (as text)."""

    dispute: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"dispute": self.dispute}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "dispute"))


@dataclass(frozen=True, slots=True)
class DisputeResolvedDetails:
    """How a moderator resolved a dispute, and the refund percentage (as text)."""

    outcome: str = ""
    refund: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"outcome": self.outcome, "refund": self.refund}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "outcome"), _text(fields, "refund"))


@dataclass(frozen=True, slots=True)
class RestrictedDetails:
    """A restriction: until when (Unix seconds as text, "" = until lifted) and why."""

    until: str = ""
    reason: str = ""
    guild: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"until": self.until, "reason": self.reason, "guild": self.guild}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "until"), _text(fields, "reason"), _text(fields, "guild"))


@dataclass(frozen=True, slots=True)
class GuildDetails:
    """An account notice that only names the guild ("" = show its id)."""

    guild: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"guild": self.guild}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "guild"))


@dataclass(frozen=True, slots=True)
class VerificationSetDetails:
    """A tutor's verification level changed from `old` to `new` (level values)."""

    old: str = ""
    new: str = ""
    guild: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"old": self.old, "new": self.new, "guild": self.guild}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "old"), _text(fields, "new"), _text(fields, "guild"))


@dataclass(frozen=True, slots=True)
class VerificationRejectedDetails:
    """A verification request a moderator turned down, and why."""

    guild: str = ""
    reason: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"guild": self.guild, "reason": self.reason}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "guild"), _text(fields, "reason"))


@dataclass(frozen=True, slots=True)
class ScreeningWarningDetails:
    """A warning about a flagged message: its flag kinds (comma-separated), guild, booking."""

    SEPARATOR: ClassVar[str] = ","

    kinds: str = ""
    guild: str = ""
    booking: str = ""

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {"kinds": self.kinds, "guild": self.guild, "booking": self.booking}

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(_text(fields, "kinds"), _text(fields, "guild"), _text(fields, "booking"))


NoticeDetails: TypeAlias = (
    NoDetails
    | RequestDetails
    | CancelledDetails
    | ExpiredDetails
    | ReminderDetails
    | PaymentDisputedDetails
    | CardDisputeDecidedDetails
    | AmountDetails
    | NoShowDetails
    | DisputeOpenedDetails
    | DisputeResolvedDetails
    | RestrictedDetails
    | GuildDetails
    | VerificationSetDetails
    | VerificationRejectedDetails
    | ScreeningWarningDetails
)
"""Whatever a notice carries beyond its kind; which one is fixed by the kind."""
