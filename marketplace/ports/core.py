"""Core ports: the unit of work and its profile repositories, the clock, the job queue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self

from marketplace.domain.members import Member, Subject
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import StudentProfile, TutorProfile
from marketplace.domain.ranking import CompletionCounts
from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction, NewAction
from marketplace.ports.attendance import AttendanceLog
from marketplace.ports.bookings import (
    AvailabilityRepository,
    BlockRepository,
    BookingRepository,
    DeliveryLog,
    SearchIndex,
)
from marketplace.ports.card_disputes import CardDisputeRepository, RefundFailureRepository
from marketplace.ports.disputes import DisputeRepository
from marketplace.ports.ledger import (
    CheckoutTokens,
    Ledger,
    PaymentRepository,
    PayoutAccounts,
    WebhookEvents,
)
from marketplace.ports.moderation import CaseRepository
from marketplace.ports.notes import NotesRepository
from marketplace.ports.privacy import PrivacyRepository
from marketplace.ports.reviews import RatingStats, ReviewRepository
from marketplace.ports.spaces import BookingChannels, SpaceRepository
from marketplace.ports.stats import StatsRepository
from marketplace.ports.survey import SurveyRepository
from marketplace.ports.trust import (
    EmailVerifications,
    MessageFlags,
    Offenses,
    SessionLogs,
    VerificationRequests,
)


class Clock(Protocol):
    """Tells the time; tests pass a fixed or stepping clock."""

    def now(self) -> datetime:
        """The current aware UTC time."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current aware UTC time."""
        return datetime.now(UTC)


class GuildRepository(Protocol):
    """Guilds and their per-guild policy."""

    async def ensure(self, guild_id: int, name: str, now: datetime) -> bool:
        """Create the guild row if it is missing (True then); keep its name current."""
        ...

    async def policy(self, guild_id: int) -> GuildPolicy:
        """The guild's policy: defaults overlaid with what its admins set."""
        ...

    async def save_policy(self, guild_id: int, policy: GuildPolicy, now: datetime) -> None:
        """Store the policy's non-default values."""
        ...


class UserRepository(Protocol):
    """Users across guilds."""

    async def ensure(self, user_id: int, now: datetime, display_name: str = "") -> None:
        """Create the user row if it is missing; keep a given display name current."""
        ...

    async def timezone(self, user_id: int) -> str | None:
        """The user's IANA zone, if they set one."""
        ...

    async def display_name(self, user_id: int) -> str:
        """The name last seen for the user ("" when never seen)."""
        ...

    async def set_timezone(self, user_id: int, zone: str, now: datetime) -> None:
        """Store the user's IANA zone."""
        ...


@dataclass(frozen=True, slots=True)
class MemberProfiles:
    """One user in one guild: what the profile card is drawn from, read together."""

    member: Member | None
    timezone: str | None
    student: StudentProfile | None
    tutor: TutorProfile | None
    tutor_reviews: RatingStats | None = None  # the tutor's visible reviews; None without any
    completion: CompletionCounts | None = None  # the tutor's; None without a tutor profile


class MemberRepository(Protocol):
    """Onboarded members of a guild."""

    async def get(self, guild_id: int, user_id: int) -> Member | None:
        """The member, if they ran /start in this guild."""
        ...

    async def profiles_of(self, guild_id: int, user_id: int) -> MemberProfiles:
        """The member, their time zone, student and tutor profiles, in one read."""
        ...

    async def save(self, member: Member, now: datetime) -> None:
        """Insert or update the member."""
        ...


class SubjectRepository(Protocol):
    """A guild's subject catalogue."""

    async def all(self, guild_id: int) -> list[Subject]:
        """Every active subject, by name."""
        ...

    async def add(self, guild_id: int, subject: Subject) -> None:
        """Add a subject (or reactivate it)."""
        ...

    async def remove(self, guild_id: int, key: str) -> bool:
        """Deactivate a subject; False if it was not there."""
        ...


class StudentRepository(Protocol):
    """Student profiles."""

    async def get(self, guild_id: int, user_id: int) -> StudentProfile | None:
        """The student's profile in this guild."""
        ...

    async def save(
        self, guild_id: int, user_id: int, profile: StudentProfile, now: datetime
    ) -> None:
        """Insert or replace the student's profile."""
        ...


class TutorRepository(Protocol):
    """Tutor profiles."""

    async def get(self, guild_id: int, user_id: int) -> TutorProfile | None:
        """The tutor's profile in this guild."""
        ...

    async def save(self, guild_id: int, user_id: int, profile: TutorProfile, now: datetime) -> None:
        """Insert or replace the tutor's profile."""
        ...


class AuditLog(Protocol):
    """Admin and moderator actions, for accountability."""

    async def record(
        self, guild_id: int, actor_id: int, action: str, detail: dict[str, Any], at: datetime
    ) -> None:
        """Append one entry."""
        ...

    async def recent(self, guild_id: int, limit: int) -> Sequence[tuple[datetime, int, str]]:
        """The latest entries: when, who, what."""
        ...

    async def of_action(
        self, guild_id: int, action: str, limit: int
    ) -> Sequence[tuple[datetime, dict[str, Any]]]:
        """The latest entries of one action, newest first: when, and the detail."""
        ...


class ScheduledActions(Protocol):
    """Durable due work, scheduled inside the caller's transaction."""

    async def schedule(self, action: NewAction) -> bool:
        """Add the action unless one with its dedupe key exists; True if added."""
        ...

    async def schedule_all(self, actions: Sequence[NewAction]) -> None:
        """`schedule` for each action, in one statement."""
        ...

    async def skip_pending(
        self, booking_id: int, kinds: frozenset[ActionKind] | None, now: datetime
    ) -> int:
        """Mark a booking's pending actions (of these kinds, or all) skipped; return how many."""
        ...


class ActionQueue(Protocol):
    """What the job runner needs: claim due rows with a lease, and finish them."""

    async def claim_due(
        self, now: datetime, owner: str, lease: timedelta, limit: int
    ) -> list[ClaimedAction]:
        """Lease up to `limit` due pending rows to `owner`; no row is leased twice."""
        ...

    async def finish(
        self, action_id: int, owner: str, state: ActionState, outcome: str, now: datetime
    ) -> bool:
        """Close a row this owner still leases; False if the lease was lost."""
        ...

    async def retry_later(
        self, action_id: int, owner: str, due_at: datetime, outcome: str, max_attempts: int
    ) -> bool:
        """Give the row back for another try at `due_at` (or fail it after max attempts)."""
        ...


class UnitOfWork(Protocol):
    """One transaction. It rolls back on exit unless `commit()` was called."""

    @property
    def guilds(self) -> GuildRepository:
        """The guilds repository of this transaction."""
        ...

    @property
    def users(self) -> UserRepository:
        """The users repository of this transaction."""
        ...

    @property
    def members(self) -> MemberRepository:
        """The members repository of this transaction."""
        ...

    @property
    def subjects(self) -> SubjectRepository:
        """The subjects repository of this transaction."""
        ...

    @property
    def students(self) -> StudentRepository:
        """The students repository of this transaction."""
        ...

    @property
    def tutors(self) -> TutorRepository:
        """The tutors repository of this transaction."""
        ...

    @property
    def availability(self) -> AvailabilityRepository:
        """The availability repository of this transaction."""
        ...

    @property
    def bookings(self) -> BookingRepository:
        """The booking repository of this transaction."""
        ...

    @property
    def search(self) -> SearchIndex:
        """The search index of this transaction."""
        ...

    @property
    def blocks(self) -> BlockRepository:
        """Blocks and restrictions, inside this transaction."""
        ...

    @property
    def deliveries(self) -> DeliveryLog:
        """The delivery log, inside this transaction."""
        ...

    @property
    def scheduled(self) -> ScheduledActions:
        """The scheduled-action queue, inside this transaction."""
        ...

    @property
    def audit(self) -> AuditLog:
        """The audit repository of this transaction."""
        ...

    @property
    def payments(self) -> PaymentRepository:
        """Bookings' payments, inside this transaction."""
        ...

    @property
    def ledger(self) -> Ledger:
        """The double-entry ledger, inside this transaction."""
        ...

    @property
    def webhook_events(self) -> WebhookEvents:
        """Handled provider events (webhook dedupe), inside this transaction."""
        ...

    @property
    def checkout_tokens(self) -> CheckoutTokens:
        """Checkout link tokens, inside this transaction."""
        ...

    @property
    def payout_accounts(self) -> PayoutAccounts:
        """Tutors' payout accounts, inside this transaction."""
        ...

    @property
    def cases(self) -> CaseRepository:
        """Moderation cases, inside this transaction."""
        ...

    @property
    def disputes(self) -> DisputeRepository:
        """Platform disputes about bookings, inside this transaction."""
        ...

    @property
    def card_disputes(self) -> CardDisputeRepository:
        """Card disputes (chargebacks) of bookings' payments, inside this transaction."""
        ...

    @property
    def emails(self) -> EmailVerifications:
        """Campus-email codes and proved addresses, inside this transaction."""
        ...

    @property
    def session_logs(self) -> SessionLogs:
        """The sealed log of session spaces, inside this transaction."""
        ...

    @property
    def message_flags(self) -> MessageFlags:
        """Screening flags and reminders, inside this transaction."""
        ...

    @property
    def offenses(self) -> Offenses:
        """What counts against members, inside this transaction."""
        ...

    @property
    def verification_requests(self) -> VerificationRequests:
        """Requests for `moderator-verified`, inside this transaction."""
        ...

    @property
    def refund_failures(self) -> RefundFailureRepository:
        """Refunds Stripe reported failed, inside this transaction."""
        ...

    @property
    def reviews(self) -> ReviewRepository:
        """Reviews of bookings, inside this transaction."""
        ...

    @property
    def attendance(self) -> AttendanceLog:
        """Session check-ins, inside this transaction."""
        ...

    @property
    def surveys(self) -> SurveyRepository:
        """Post-session survey answers, inside this transaction."""
        ...

    @property
    def notes(self) -> NotesRepository:
        """Session notes and note templates, inside this transaction."""
        ...

    @property
    def spaces(self) -> SpaceRepository:
        """Session spaces, inside this transaction."""
        ...

    @property
    def booking_channels(self) -> BookingChannels:
        """The channel each booking was made in, inside this transaction."""
        ...

    @property
    def privacy(self) -> PrivacyRepository:
        """One user's data for `/privacy` export and delete, inside this transaction."""
        ...

    @property
    def stats(self) -> StatsRepository:
        """KPI aggregates for `/admin stats`, inside this transaction."""
        ...

    async def __aenter__(self) -> Self:
        """Open the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed, then close."""
        ...

    async def commit(self) -> None:
        """Make the changes durable."""
        ...


UnitOfWorkFactory = Callable[..., UnitOfWork]
"""Builds a fresh unit of work; `read_only=True` asks for a non-locking read."""
