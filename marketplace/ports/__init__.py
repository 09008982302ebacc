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
from marketplace.ports.notify import DeliveryOutcome, Notice, NoticeKind, Notifier

__all__ = [
    "ActionQueue",
    "AuditLog",
    "AvailabilityRepository",
    "BlockRepository",
    "BookingRepository",
    "Clock",
    "DeliveryLog",
    "DeliveryOutcome",
    "GuildRepository",
    "MemberRepository",
    "Notice",
    "NoticeKind",
    "Notifier",
    "ScheduledActions",
    "SearchIndex",
    "StudentRepository",
    "SubjectRepository",
    "SystemClock",
    "TutorRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]
