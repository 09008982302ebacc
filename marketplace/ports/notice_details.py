"""What a notice says beyond its kind and booking: one frozen dataclass per kind that has more.

Each is built from, and written back as, the flat string fields a queued notice stores in
its scheduled action's payload (``from_fields`` / ``fields``). That stored form is kept
exactly as before these types existed, so rows queued by an older release still read;
``from_fields`` is lenient for the same reason: a missing or odd field gets the default
the presenters always fell back to, never an error at delivery time.
"""

from __future__ import annotations

import dataclasses
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


class _TextDetails:
    """Details whose every field is text, stored under its own name in field order.

    `fields` and `from_fields` follow from the dataclass fields, so a kind of this shape
    declares only its fields.
    """

    __slots__ = ()

    def fields(self) -> dict[str, Field]:
        """The stored form."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_fields(cls, fields: Mapping[str, object]) -> Self:
        """Read the stored form."""
        return cls(**{f.name: _text(fields, f.name) for f in dataclasses.fields(cls)})  # type: ignore[arg-type]


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
class CancelledDetails(_TextDetails):
    """A cancellation, with the reason its author gave ("" for none)."""

    reason: str = ""


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
class CardDisputeDecidedDetails(_TextDetails):
    """A card dispute's outcome: "won" or "lost"."""

    outcome: str = ""


@dataclass(frozen=True, slots=True)
class AmountDetails(_TextDetails):
    """An amount (minor units as text) and its currency: a payout, reversal or failed refund.

    Kept as text so an unreadable amount reaches the presenter, which words it generically.
    """

    amount: str = ""
    currency: str = ""


@dataclass(frozen=True, slots=True)
class NoShowDetails(_TextDetails):
    """Who missed the session: "tutor" or "student"."""

    absent: str = ""


@dataclass(frozen=True, slots=True)
class DisputeOpenedDetails(_TextDetails):
    """A dispute about the reader's session, by its id (as text)."""

    dispute: str = ""


@dataclass(frozen=True, slots=True)
class DisputeResolvedDetails(_TextDetails):
    """How a moderator resolved a dispute, and the refund percentage (as text)."""

    outcome: str = ""
    refund: str = ""


@dataclass(frozen=True, slots=True)
class RestrictedDetails(_TextDetails):
    """A restriction: until when (Unix seconds as text, "" = until lifted) and why."""

    until: str = ""
    reason: str = ""
    guild: str = ""


@dataclass(frozen=True, slots=True)
class GuildDetails(_TextDetails):
    """An account notice that only names the guild ("" = show its id)."""

    guild: str = ""


@dataclass(frozen=True, slots=True)
class VerificationSetDetails(_TextDetails):
    """A tutor's verification level changed from `old` to `new` (level values)."""

    old: str = ""
    new: str = ""
    guild: str = ""


@dataclass(frozen=True, slots=True)
class VerificationRejectedDetails(_TextDetails):
    """A verification request a moderator turned down, and why."""

    guild: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ScreeningWarningDetails(_TextDetails):
    """A warning about a flagged message: its flag kinds (comma-separated), guild, booking."""

    SEPARATOR: ClassVar[str] = ","

    kinds: str = ""
    guild: str = ""
    booking: str = ""


@dataclass(frozen=True, slots=True)
class QueueSkippedDetails(_TextDetails):
    """A drop-in student was skipped: `out` is "yes" when it took them out of the queue."""

    out: str = ""


@dataclass(frozen=True, slots=True)
class QueueClosedDetails(_TextDetails):
    """Drop-in hours ended: the subject, the tutor, and their next open slot ("" = none)."""

    subject: str = ""
    tutor: str = ""
    slot: str = ""


@dataclass(frozen=True, slots=True)
class SeriesDetails(_TextDetails):
    """A weekly series: its id, how many weeks, their starts (Unix seconds, commas), why."""

    series: str = ""
    count: str = ""
    starts: str = ""
    reason: str = ""  # a cancellation's, as the canceller gave it


@dataclass(frozen=True, slots=True)
class GroupDetails(_TextDetails):
    """A group session: its id, title, start and a claim's deadline (Unix seconds), why."""

    group: str = ""
    title: str = ""
    start: str = ""
    until: str = ""  # a seat offer's last moment
    reason: str = ""  # a call-off's: "tutor" or "too_few"


@dataclass(frozen=True, slots=True)
class SeriesPaymentDetails(_TextDetails):
    """A paid series' week the saved card could not pay: why, and the pay-by time.

    `reason` is ``declined``, ``authentication`` (the bank wants the student) or
    ``no_card`` (no saved card); `pay_by` is Unix seconds.
    """

    reason: str = ""
    pay_by: str = ""


@dataclass(frozen=True, slots=True)
class ReferralDetails(_TextDetails):
    """A referral's credit, granted or taken back, in the guild named `guild`.

    `referred` is the brought member's id; `amount` (minor units) and `currency` are ""
    in a free guild, where the referral is counted and thanked, no money.
    """

    guild: str = ""
    referred: str = ""
    amount: str = ""
    currency: str = ""


NoticeDetails: TypeAlias = (
    NoDetails
    | RequestDetails
    | SeriesPaymentDetails
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
    | QueueSkippedDetails
    | QueueClosedDetails
    | SeriesDetails
    | GroupDetails
    | ReferralDetails
)
"""Whatever a notice carries beyond its kind; which one is fixed by the kind."""
