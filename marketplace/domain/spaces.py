"""Session spaces: the private thread (and voice channel) each confirmed session gets.

SPEC.md section 1 step 6. A space opens `space_opens_before_minutes` before the start
and closes `space_closes_after_minutes` after the end; a booking that stops being on
(cancelled, moved far away) closes its space at once. Consent is per participant: the
voice channel lets a participant speak only after they pressed **I agree**.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.cancellation import Party
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import SessionFormat

SESSION_STATES = frozenset({BookingState.CONFIRMED, BookingState.COMPLETED, BookingState.NO_SHOW})


class SpaceStatus(StrEnum):
    """Where a space is in its life."""

    OPENING = "opening"  # claimed: one opener is creating it on Discord right now
    OPEN = "open"
    CLOSED = "closed"
    FAILED = "failed"  # nothing could be created (no channel set, missing permissions)


class TextPlace(StrEnum):
    """Where the space's conversation happens."""

    THREAD = "thread"  # a private thread in the sessions channel (the normal case)
    CHANNEL = "channel"  # a private text channel: the guild had too many active threads
    NONE = "none"  # neither could be made; the participants are told by DM


@dataclass(frozen=True, slots=True)
class SessionSpace:
    """One booking's space and who agreed to the conduct notice, when."""

    booking_id: int
    guild_id: int
    status: SpaceStatus
    claimed_at: datetime
    text_id: int | None = None
    text_place: TextPlace = TextPlace.NONE
    voice_id: int | None = None
    fallback: str = ""  # why the space is not the usual thread + voice, if it isn't
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    student_agreed_at: datetime | None = None
    tutor_agreed_at: datetime | None = None

    @property
    def is_live(self) -> bool:
        """Open on Discord (something may need closing)."""
        return self.status is SpaceStatus.OPEN

    def agreed_at(self, party: Party) -> datetime | None:
        """When the student or the tutor agreed, if they did."""
        return self.student_agreed_at if party is Party.STUDENT else self.tutor_agreed_at


def opens_at(booking: Booking, policy: GuildPolicy) -> datetime:
    """When the space of this booking opens."""
    return booking.start - timedelta(minutes=policy.space_opens_before_minutes)


def closes_at(booking: Booking, policy: GuildPolicy) -> datetime:
    """When the space of this booking closes (after the scheduled end and the grace)."""
    return booking.end + timedelta(minutes=policy.space_closes_after_minutes)


def should_open(booking: Booking, policy: GuildPolicy, now: datetime) -> bool:
    """A confirmed booking whose space is due and whose session is not over."""
    return booking.state is BookingState.CONFIRMED and opens_at(booking, policy) <= now < (
        closes_at(booking, policy)
    )


def should_close(booking: Booking | None, policy: GuildPolicy, now: datetime) -> bool:
    """The session is over (plus grace), off, or moved to a time the space doesn't serve."""
    if booking is None or booking.state not in SESSION_STATES:
        return True
    return now >= closes_at(booking, policy) or now < opens_at(booking, policy)


def with_voice(formats: frozenset[SessionFormat]) -> bool:
    """A voice channel is made when the tutor holds sessions by voice."""
    return SessionFormat.VOICE in formats


def agree(space: SessionSpace, booking: Booking, user_id: int, now: datetime) -> SessionSpace:
    """Record that a participant agreed to the notice; the first time is kept.

    Refuses anyone but the two participants (`PermissionDeniedError`).
    """
    party = booking.party_of(user_id, "agree")
    if space.agreed_at(party) is not None:
        return space
    if party is Party.STUDENT:
        return replace(space, student_agreed_at=now)
    return replace(space, tutor_agreed_at=now)


CLAIM_TIMEOUT = timedelta(minutes=5)  # an opener silent this long is taken to have died
