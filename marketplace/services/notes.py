"""Session notes: the goals and progress notes a student and a tutor share, and templates.

Notes are keyed by the pair (guild, student, tutor): any of their bookings opens the same
notes, and only those two can use them. A tutor's per-subject template prefills the notes
they add on bookings of that subject. One unit of work per use case.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain import notes as rules
from marketplace.domain.booking import Booking
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.notes import Goals, NoteTemplate, Pair, ProgressNote
from marketplace.ports import UnitOfWork
from marketplace.services.actor import Actor, ByActor, OnBooking
from marketplace.services.context import ServiceContext, guild_booking

NOTES_LOADED = 50
CHOICES_LIMIT = 25


@dataclass(frozen=True, slots=True)
class NotesCard:
    """What `/notes` shows one participant: the goals, the latest notes, their prefill.

    `notes` are newest first (at most NOTES_LOADED of `total`); `prefill` is what the
    viewer's Add note form starts with (the tutor's template, for the tutor).
    """

    booking: Booking
    subject_name: str
    goals: Goals
    notes: list[ProgressNote]
    total: int
    prefill: str


@dataclass(frozen=True, slots=True)
class OpenNotes(OnBooking):
    """`/notes booking:` (and the card's buttons): the pair's notes, as they are now."""


@dataclass(frozen=True, slots=True)
class SetGoals(OnBooking):
    """Edit goals: the new text, and the goals version the editor started from."""

    text: str
    seen_version: int


@dataclass(frozen=True, slots=True)
class AddNote(OnBooking):
    """Add note: a progress note typed on one of the pair's bookings."""

    text: str


@dataclass(frozen=True, slots=True)
class TemplatePrompt:
    """What the template form opens on: the subject and the current template ("" if none)."""

    subject_key: str
    subject_name: str
    text: str


async def _booking_of(uow: UnitOfWork, actor: Actor, booking_id: int) -> Booking:
    """A booking of this guild whose notes the caller may use (NotFoundError otherwise)."""
    booking = await guild_booking(uow, actor, booking_id)
    rules.check_participant(booking, actor.user_id)
    return booking


async def _template_of(uow: UnitOfWork, booking: Booking) -> NoteTemplate | None:
    return await uow.notes.template(booking.guild_id, booking.tutor_id, booking.subject_key)


async def open_notes(command: OpenNotes, ctx: ServiceContext) -> NotesCard:
    """The pair's goals and latest notes, for a participant of the booking."""
    actor, booking_id = command.actor, command.booking_id
    async with ctx.uow(read_only=True) as uow:
        booking = await _booking_of(uow, actor, booking_id)
        pair = Pair.of(booking)
        goals = await uow.notes.goals(pair)
        latest = await uow.notes.notes(pair, NOTES_LOADED)
        total = await uow.notes.count_notes(pair)
        template = await _template_of(uow, booking)
        name = await uow.subjects.name_of(actor.guild_id, booking.subject_key)
    prefill = rules.prefill_for(booking, actor.user_id, template)
    return NotesCard(booking, name, goals, latest, total, prefill)


async def set_goals(cmd: SetGoals, ctx: ServiceContext) -> Goals:
    """Rewrite the pair's goals; ConflictError("goals_changed") if the other side saved first."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await _booking_of(uow, cmd.actor, cmd.booking_id)
        current = await uow.notes.goals(Pair.of(booking))
        changed = rules.set_goals(
            current, booking, cmd.actor.user_id, cmd.text, cmd.seen_version, now
        )
        if not await uow.notes.save_goals(changed):
            raise ConflictError("goals_changed")
        await uow.commit()
    return changed


async def add_note(cmd: AddNote, ctx: ServiceContext) -> ProgressNote:
    """Append a progress note to the pair's notes, signed by the caller."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await _booking_of(uow, cmd.actor, cmd.booking_id)
        template = rules.prefill_for(booking, cmd.actor.user_id, await _template_of(uow, booking))
        note = rules.new_note(booking, cmd.actor.user_id, cmd.text, now, template)
        stored = await uow.notes.add_note(note)
        await uow.commit()
    return stored


async def _taught(uow: UnitOfWork, actor: Actor) -> set[str]:
    """The caller's tutoring subjects (NotFoundError("tutor_profile") for a non-tutor)."""
    profile = await uow.tutors.get(actor.guild_id, actor.user_id)
    if profile is None:
        raise NotFoundError("tutor_profile", str(actor.user_id))
    return {s.subject_key for s in profile.subjects} - profile.not_teaching


@dataclass(frozen=True, slots=True)
class OpenTemplate(ByActor):
    """`/notes-template subject:`: the template form, before it opens."""

    subject_key: str


async def open_template(command: OpenTemplate, ctx: ServiceContext) -> TemplatePrompt:
    """The tutor's current template for one of their subjects, to edit."""
    actor, subject_key = command.actor, command.subject_key
    async with ctx.uow(read_only=True) as uow:
        if subject_key not in await _taught(uow, actor):
            raise ConflictError("template_subject_not_taught")
        template = await uow.notes.template(actor.guild_id, actor.user_id, subject_key)
        name = await uow.subjects.name_of(actor.guild_id, subject_key)
    return TemplatePrompt(subject_key, name, "" if template is None else template.text)


@dataclass(frozen=True, slots=True)
class SetTemplate(ByActor):
    """The template form: a tutor's new template for one of their subjects."""

    subject_key: str
    text: str


async def set_template(command: SetTemplate, ctx: ServiceContext) -> NoteTemplate:
    """Store the tutor's template for one of their subjects; empty text removes it."""
    actor, now = command.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        taught = await _taught(uow, actor)
        template = rules.new_template(
            actor.guild_id, actor.user_id, command.subject_key, command.text, taught, now
        )
        await uow.notes.save_template(template)
        await uow.commit()
    return template


@dataclass(frozen=True, slots=True)
class ListNoteBookings(ByActor):
    """`/notes`'s booking choices: one of the caller's sessions per person."""


async def note_bookings(command: ListNoteBookings, ctx: ServiceContext) -> list[Booking]:
    """The caller's bookings with open notes, one per person (for `/notes` autocomplete).

    Upcoming sessions come first (soonest first), then past ones (latest first).
    """
    actor, now = command.actor, ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        found = [
            booking
            for upcoming in (True, False)
            for booking in await uow.bookings.for_user(
                actor.guild_id, actor.user_id, upcoming=upcoming, now=now, limit=CHOICES_LIMIT
            )
        ]
    seen: set[Pair] = set()
    chosen: list[Booking] = []
    for booking in found:
        pair = Pair.of(booking)
        if rules.notes_open(booking) and pair not in seen:
            seen.add(pair)
            chosen.append(booking)
    return chosen
