"""Protocols the services depend on. Storage, Discord and payment adapters implement them."""

from marketplace.ports.bookings import (
    AvailabilityRepository,
    BlockRepository,
    BookingRepository,
    DeliveryLog,
    SearchIndex,
)
from marketplace.ports.core import (
    ActionQueue,
    AuditLog,
    Clock,
    GuildRepository,
    MemberRepository,
    ScheduledActions,
    StudentRepository,
    SubjectRepository,
    SystemClock,
    TutorRepository,
    UnitOfWork,
    UnitOfWorkFactory,
    UserRepository,
)
from marketplace.ports.disputes import DisputeRepository
from marketplace.ports.moderation import CaseRepository
from marketplace.ports.notes import NotesRepository
from marketplace.ports.notify import DeliveryOutcome, Notice, NoticeKind, Notifier
from marketplace.ports.payments import (
    CaptureMethod,
    CheckoutRef,
    CheckoutRequest,
    IntentState,
    PaymentGateway,
    PaymentGatewayError,
    PayoutAccount,
    ProviderEvent,
    SessionState,
    SessionStatus,
)
from marketplace.ports.reviews import RatingStats, ReviewRepository
from marketplace.ports.spaces import (
    ClosedSpace,
    OpenedSpace,
    SessionSpaces,
    SpacePlan,
    SpaceRepository,
    SpaceUnavailableError,
)
from marketplace.ports.stats import StatsRepository

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
    "GuildRepository",
    "IntentState",
    "MemberRepository",
    "NotesRepository",
    "Notice",
    "NoticeKind",
    "Notifier",
    "OpenedSpace",
    "PaymentGateway",
    "PaymentGatewayError",
    "PayoutAccount",
    "ProviderEvent",
    "RatingStats",
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
