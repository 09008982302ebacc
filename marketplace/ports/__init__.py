"""Protocols the services depend on. Storage, Discord and payment adapters implement them."""

from marketplace.ports.audit import AuditLog
from marketplace.ports.bookings import (
    AvailabilityRepository,
    BlockRepository,
    BookingRepository,
    DeliveryLog,
    SearchIndex,
)
from marketplace.ports.clock import Clock, SystemClock
from marketplace.ports.disputes import DisputeRepository
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
from marketplace.ports.notify import DeliveryOutcome, Notice, NoticeKind, Notifier
from marketplace.ports.payments import (
    CaptureMethod,
    CheckoutRef,
    CheckoutRequest,
    DisputeState,
    IntentState,
    PaymentGateway,
    PaymentGatewayError,
    PayoutAccount,
    PayoutTransfer,
    ProviderEvent,
    RefundState,
    SessionState,
    SessionStatus,
)
from marketplace.ports.reviews import RatingStats, ReviewRepository
from marketplace.ports.scheduled import ActionQueue, ScheduledActions
from marketplace.ports.spaces import (
    ClosedSpace,
    OpenedSpace,
    ParentChoice,
    SessionSpaces,
    SpacePlan,
    SpaceRepository,
    SpaceUnavailableError,
)
from marketplace.ports.stats import StatsRepository
from marketplace.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "ActionQueue",
    "AuditLog",
    "AvailabilityRepository",
    "BlockRepository",
    "BookingRepository",
    "CaptureMethod",
    "CaseRepository",
    "CheckoutRef",
    "CheckoutRequest",
    "Clock",
    "ClosedSpace",
    "DeliveryLog",
    "DeliveryOutcome",
    "DisputeRepository",
    "DisputeState",
    "GuildRepository",
    "IntentState",
    "MemberRepository",
    "NotesRepository",
    "Notice",
    "NoticeKind",
    "Notifier",
    "OpenedSpace",
    "ParentChoice",
    "PaymentGateway",
    "PaymentGatewayError",
    "PayoutAccount",
    "PayoutTransfer",
    "ProviderEvent",
    "RatingStats",
    "RefundState",
    "ReviewRepository",
    "ScheduledActions",
    "SearchIndex",
    "SessionSpaces",
    "SessionState",
    "SessionStatus",
    "SpacePlan",
    "SpaceRepository",
    "SpaceUnavailableError",
    "StatsRepository",
    "StudentRepository",
    "SubjectRepository",
    "SystemClock",
    "TutorRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]
