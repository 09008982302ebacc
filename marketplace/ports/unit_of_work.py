"""The unit of work: one transaction and the repositories it hands out."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from marketplace.ports.attendance import AttendanceLog
from marketplace.ports.audit import AuditLog
from marketplace.ports.bookings import (
    AvailabilityRepository,
    BlockRepository,
    BookingRepository,
    DeliveryLog,
    SearchIndex,
)
from marketplace.ports.card_disputes import CardDisputeRepository, RefundFailureRepository
from marketplace.ports.demand import DemandLog
from marketplace.ports.disputes import DisputeRepository
from marketplace.ports.dropin import DropInRepository
from marketplace.ports.exports import ExportReads
from marketplace.ports.groups import GroupRepository
from marketplace.ports.kept_notices import KeptNotices
from marketplace.ports.ledger import (
    CheckoutTokens,
    Ledger,
    PaymentRepository,
    PayoutAccounts,
    WebhookEvents,
)
from marketplace.ports.members import (
    GuildRepository,
    MemberRepository,
    StudentRepository,
    SubjectRepository,
    TutorRepository,
    UserRepository,
)
from marketplace.ports.moderation import CaseRepository
from marketplace.ports.notes import NotesRepository
from marketplace.ports.privacy import PrivacyRepository
from marketplace.ports.referrals import ReferralRepository
from marketplace.ports.reviews import ReviewRepository
from marketplace.ports.saved_cards import SavedCardRepository
from marketplace.ports.scheduled import ScheduledActions
from marketplace.ports.series import SeriesRepository
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
    def series(self) -> SeriesRepository:
        """Weekly series and their weeks, inside this transaction."""
        ...

    @property
    def groups(self) -> GroupRepository:
        """Group sessions, their seats' count and their waitlists, inside this transaction."""
        ...

    @property
    def saved_cards(self) -> SavedCardRepository:
        """Members' provider customers and saved cards, inside this transaction."""
        ...

    @property
    def demand(self) -> DemandLog:
        """Searches per subject and day, inside this transaction."""
        ...

    @property
    def dropins(self) -> DropInRepository:
        """Drop-in office hours and their queues, inside this transaction."""
        ...

    @property
    def referrals(self) -> ReferralRepository:
        """Referrals and referral credit, inside this transaction."""
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
    def kept_notices(self) -> KeptNotices:
        """Notices no DM or channel could carry, inside this transaction."""
        ...

    @property
    def privacy(self) -> PrivacyRepository:
        """One user's data for `/privacy` export and delete, inside this transaction."""
        ...

    @property
    def stats(self) -> StatsRepository:
        """KPI aggregates for `/admin stats`, inside this transaction."""
        ...

    @property
    def exports(self) -> ExportReads:
        """The rows of `/admin export` and `tutorbot export`, inside this transaction."""
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
