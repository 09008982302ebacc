"""Actor: who is acting, as the services see them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, with what Discord told us about their standing in the guild."""

    guild_id: int
    guild_name: str
    user_id: int
    role_ids: frozenset[int] = frozenset()
    has_manage_guild: bool = False
    is_owner: bool = False
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class ByActor:
    """A use case with no input but who asks (its subclass names it, `ListReviewable`)."""

    actor: Actor


@dataclass(frozen=True, slots=True)
class OnBooking(ByActor):
    """A use case on one of the actor's bookings; each one subclasses it with its name.

    A subclass is `@dataclass(frozen=True, slots=True)` too, with its docstring and any
    further inputs (`ReplyToReview` adds the text); its instances are of its own class, so
    one use case's command is not equal to another's on the same booking.
    """

    booking_id: int
