"""`screening_ms`: what screening costs per message, alone and with the sealed log.

`screen` is the pure matcher (`marketplace.screening`) over a mix of ordinary tutoring
chat and evasive off-platform attempts; `record_message` is the whole path a session
message takes (find the space, seal and log it, screen it, flag it with its context) on
a real SQLite file. Both are measured per message; the share flagged is printed so a
change in the mix is seen.
"""

from __future__ import annotations

import time
from datetime import timedelta
from itertools import cycle, islice

from bench import world
from bench.common import Emit, Scale, log, scratch_database, summary_ms
from marketplace.domain.spaces import SessionSpace, SpaceStatus, TextPlace
from marketplace.ports import SystemClock
from marketplace.screening import ScreeningRules, screen
from marketplace.services import bookings, session_messages
from marketplace.services.context import ServiceContext
from marketplace.services.session_messages import IncomingMessage
from marketplace.storage.engine import create_database
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.data_keys import TEST_DATA_KEYS

MESSAGES = {"quick": 400, "full": 4000}
CHAT = (
    "Can we start with the chain rule? I got stuck on question 3.2.",
    "Sure. d/dx sin(x^2) = 2x cos(x^2); try 4.5.1 next.",
    "My grade went from 72 to 89 after last week, thanks!",
    "Meet again Thursday 10:30-11:45? Essay due 12/15.",
    "venm0 me at 555-0100 and we skip the fee",
    "text me: f i v e five five oh one oh oh",
    "p a y p a l . m e / maya works too",
    "my email is maya at gmail dot com",
    "https://evil.example.com/cheap-answers",
    "Let's do integration by parts: ∫x·eˣ dx = (x-1)eˣ + C",
)
THREAD = 424242


async def run(scale: Scale, out: Emit) -> None:
    """Measure the matcher alone, then the whole path on SQLite."""
    count = MESSAGES.get(scale.name, MESSAGES["quick"])
    texts = list(islice(cycle(CHAT), count))
    rules = ScreeningRules(allowed_link_domains=("campus.example.edu",))
    pure, flagged = [], 0
    for text in texts:
        began = time.perf_counter()
        flagged += bool(screen(text, rules))
        pure.append(time.perf_counter() - began)
    out(
        {
            "metric": "screening_ms", "mode": "screen", "scale": scale.name,
            "messages": count, "flagged_share": round(flagged / count, 2),
            **summary_ms(pure, 50, 95, 99),
        }
    )  # fmt: skip
    async with scratch_database("sqlite", "screening") as url:
        database = create_database(url, keys=TEST_DATA_KEYS)
        ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=SystemClock())
        try:
            path = await _record_all(ctx, texts)
        finally:
            await database.dispose()
    out(
        {
            "metric": "screening_ms", "mode": "record_message", "backend": "sqlite",
            "scale": scale.name, "messages": count, **summary_ms(path, 50, 95, 99),
            "per_second": round(count / sum(path), 1),
        }
    )  # fmt: skip


async def _record_all(ctx: ServiceContext, texts: list[str]) -> list[float]:
    found = await world.build(ctx, tutors=1, students=1, instant=True)
    tutor, student = found.tutors[0], found.students[0]
    [(_, start)] = list(world.distinct_slots([tutor], 1))
    booking = await bookings.book(world.book_cmd(student, tutor, start), ctx)
    async with ctx.uow() as uow:
        await uow.spaces.claim(booking.booking_id, booking.guild_id, ctx.clock.now())
        await uow.spaces.save(
            SessionSpace(
                booking.booking_id,
                booking.guild_id,
                SpaceStatus.OPEN,
                ctx.clock.now(),
                THREAD,
                TextPlace.THREAD,
            )
        )
        await uow.commit()
    log.info("screening_ms: %d messages through record_message", len(texts))
    samples = []
    for n, text in enumerate(texts):
        author = student.user_id if n % 2 else tutor.user_id
        msg = IncomingMessage(
            booking.guild_id,
            THREAD,
            10_000 + n,
            author,
            ctx.clock.now() + timedelta(seconds=n),
            text,
        )
        began = time.perf_counter()
        await session_messages.record_message(msg, ctx)
        samples.append(time.perf_counter() - began)
    return samples
