"""What every service needs: a way to open units of work, and a clock."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from marketplace.domain.booking import Booking
from marketplace.domain.errors import NotFoundError
from marketplace.domain.members import Subject
from marketplace.domain.subjects import DEFAULT_SUBJECTS, subject_key
from marketplace.ports import Clock, PaymentGateway, UnitOfWork, UnitOfWorkFactory
from marketplace.ports.trust import Mailer
from marketplace.services.actor import Actor


class _OfGuild(Protocol):
    @property
    def guild_id(self) -> int: ...


Record = TypeVar("Record", bound=_OfGuild)

SYSTEM_ACTOR = 0
"""The audit log's actor id for what TutorBot does on its own."""


def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """Shared dependencies of the use cases; built once by the composition root."""

    uow: UnitOfWorkFactory
    clock: Clock
    gateway: PaymentGateway | None = None  # None: no Stripe key, every guild is free
    public_base_url: str = "http://127.0.0.1:8080"
    wake_jobs: Callable[[], None] = _nothing
    mailer: Mailer | None = None  # None: no SMTP settings, `/verify email` is off

    @property
    def payments_configured(self) -> bool:
        """Whether money can move at all (a guild may still turn payments off)."""
        return self.gateway is not None

    def link(self, path: str) -> str:
        """An absolute link to the web app (`PUBLIC_BASE_URL` + `path`)."""
        return self.public_base_url.rstrip("/") + path

    def after_commit(self) -> None:
        """Work was scheduled for now: let the job runner deliver it without waiting a tick."""
        self.wake_jobs()


async def enter_guild(uow: UnitOfWork, actor: Actor, ctx: ServiceContext) -> None:
    """Make sure the guild and the acting user exist, inside the caller's transaction.

    A guild seen for the first time gets the starter subject catalogue.
    """
    await ensure_guild(uow, actor.guild_id, actor.guild_name, ctx)
    await uow.users.ensure(actor.user_id, ctx.clock.now(), actor.display_name)


async def ensure_guild(uow: UnitOfWork, guild_id: int, name: str, ctx: ServiceContext) -> None:
    """Create the guild on first contact, with the starter subject catalogue."""
    if await uow.guilds.ensure(guild_id, name, ctx.clock.now()):
        for subject_name in DEFAULT_SUBJECTS:
            await uow.subjects.add(guild_id, Subject(subject_key(subject_name), subject_name))


async def guild_booking(
    uow: UnitOfWork, actor: Actor, booking_id: int, *, for_update: bool = False
) -> Booking:
    """The booking in the actor's guild; NotFoundError for one elsewhere or none."""
    booking = await uow.bookings.get(booking_id, for_update=for_update)
    if booking is None or booking.guild_id != actor.guild_id:
        raise NotFoundError("booking", str(booking_id))
    return booking


async def seat_booking(
    uow: UnitOfWork, actor: Actor, booking_id: int, *, for_update: bool = False
) -> Booking:
    """`guild_booking`, read as the actor's own seat when it is a seat of their group.

    A group's space carries one set of buttons (Check in, I agree, Report, Mark complete)
    for every seat; pressed by another seated student, they act on that student's seat.
    """
    booking = await guild_booking(uow, actor, booking_id, for_update=for_update)
    if booking.group_id is None or actor.user_id in (booking.student_id, booking.tutor_id):
        return booking
    seat = await uow.groups.seat_of(booking.group_id, actor.user_id)
    if seat is None:
        return booking
    return await guild_booking(uow, actor, seat.booking_id, for_update=for_update)


def in_guild(records: Iterable[Record], actor: Actor, kind: str, booking_id: int) -> list[Record]:
    """A booking's `kind` records in the actor's guild; NotFoundError when there are none."""
    found = [record for record in records if record.guild_id == actor.guild_id]
    if not found:
        raise NotFoundError(kind, str(booking_id))
    return found
