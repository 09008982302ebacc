"""The SessionSpaces port: private places on the chat platform where a session happens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from marketplace.domain.spaces import SessionSpace, TextPlace


@dataclass(frozen=True, slots=True)
class SpacePlan:
    """What to open for one booking: who is in it and what the guild allows."""

    guild_id: int
    booking_id: int
    student_id: int
    tutor_id: int
    subject: str
    start: datetime
    end: datetime
    sessions_channel_id: int | None
    with_voice: bool
    moderator_role_id: int | None  # the guild's moderator role, if it has one
    moderators_see: bool  # whether the guild lets that role see session spaces
    recording_allowed: bool
    booking_channel_id: int | None = None  # where the booking was made, if known
    others: tuple[int, ...] = ()  # a group's other seated students, in the space too

    @property
    def students(self) -> tuple[int, ...]:
        """Every student in the space: the booking's, then a group's other seats."""
        return (self.student_id, *self.others)


# How the thread's parent channel was chosen: "" the sessions channel; otherwise a
# `#tutoring-sessions` channel "found" or "created", or the "booking_channel".
ParentChoice = Literal["", "found", "created", "booking_channel"]


@dataclass(frozen=True, slots=True)
class OpenedSpace:
    """What was made. `fallback` says why it is less than a thread plus voice, if it is.

    `parent_id` is the channel that holds the thread (or would have), and
    `parent_choice` how it was chosen when the sessions channel could not be used.
    """

    text_place: TextPlace
    text_id: int | None
    voice_id: int | None
    fallback: str = ""
    parent_id: int | None = None
    parent_choice: ParentChoice = ""


@dataclass(frozen=True, slots=True)
class ClosedSpace:
    """What closing did. `refused` names the steps the platform would not let happen.

    Each refusal is a reason ("missing_permissions", "refused"): the platform answered
    that this step cannot be done, so trying again would not help; a person must act.
    """

    refused: tuple[str, ...] = ()


class SpaceUnavailableError(Exception):
    """Nothing could be made.

    `reason` is "no_sessions_channel", "missing_permissions" or "server_full".
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class SessionSpaces(Protocol):
    """Creates, opens up and closes session spaces. Every method is safe to repeat."""

    async def open(self, plan: SpacePlan) -> OpenedSpace:
        """Make the space, post the consent notice in it, or raise `SpaceUnavailableError`."""
        ...

    async def let_in(self, space: SessionSpace, user_id: int) -> None:
        """Add a member to an open space (a group's seat taken after it opened)."""
        ...

    async def let_speak(self, guild_id: int, voice_id: int, user_id: int) -> None:
        """Let a participant who agreed join and speak in the voice channel."""
        ...

    async def close(self, space: SessionSpace) -> ClosedSpace:
        """Lock and archive the thread, delete the channels, each step on its own.

        Gone already is fine. A step the platform refuses is reported in the result; a
        transient failure (the platform down, the network) raises after the other steps.
        """
        ...

    async def alert_admins(
        self,
        guild_id: int,
        fallback_channel_id: int | None,
        reason: str,
        booking_id: int,
        channel_id: int | None = None,
    ) -> None:
        """Tell the guild's admins a space could not be made, and what to fix.

        `channel_id` is the channel the alert is about, when it names one.
        """
        ...


class SpaceRepository(Protocol):
    """Session spaces, one per booking, inside a transaction."""

    async def claim(self, booking_id: int, guild_id: int, now: datetime) -> bool:
        """Take the right to open this booking's space; False if someone else holds it.

        Free to take: no space yet, a failed or closed one, or an opener that has been
        silent for `CLAIM_TIMEOUT`.
        """
        ...

    async def by_channel(self, guild_id: int, channel_id: int) -> SessionSpace | None:
        """The open space whose text place or voice channel this is."""
        ...

    async def get(self, booking_id: int) -> SessionSpace | None:
        """The booking's space, if it ever had one."""
        ...

    async def by_voice(self, guild_id: int, voice_id: int) -> SessionSpace | None:
        """The open space whose voice channel this is."""
        ...

    async def save(self, space: SessionSpace) -> None:
        """Store the space as it is now."""
        ...

    async def mark_closed(self, booking_id: int, now: datetime) -> bool:
        """Open → closed, once: False if it was not open (someone else is closing it)."""
        ...

    async def live(self, limit: int) -> list[SessionSpace]:
        """Open spaces, oldest first (the reconciler checks whether they should close)."""
        ...

    async def of_group(self, group_id: int, exclude: int) -> SessionSpace | None:
        """Another seat's space in the group that is open or being opened, if any."""
        ...


class BookingChannels(Protocol):
    """The channel each booking was made in, inside a transaction."""

    async def remember(self, booking_id: int, channel_id: int) -> None:
        """Record where a new booking was made."""
        ...

    async def of(self, booking_id: int) -> int | None:
        """The channel the booking was made in, if it was recorded."""
        ...
