"""The trust layer's repositories on both backends: email codes and proved addresses, the
session log, screening flags and reminders, verification requests, offences."""

from datetime import UTC, datetime, timedelta

from marketplace.domain.booking import Booking
from marketplace.domain.email_codes import EmailCode
from marketplace.domain.evidence_files import EvidenceFile, KeptIn
from marketplace.domain.policy import DEFAULT_POLICY
from marketplace.domain.session_log import FlagAction, LoggedMessage, MessageFlag, decide
from marketplace.domain.verification_requests import RequestState, VerificationRequest
from marketplace.domain.verification_requests import decide as decide_request

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
GUILD = 100
BIG = 2**63 - 1


async def _booking(uow_factory) -> Booking:
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        start = NOW + timedelta(days=1)
        booking, _ = Booking.request(
            booking_id=0, guild_id=GUILD, student_id=BIG, tutor_id=5, subject_key="calculus",
            start=start, end=start + timedelta(hours=1), now=NOW, policy=DEFAULT_POLICY,
            note="", price=None, instant=False,
        )  # fmt: skip
        stored = await uow.bookings.add(booking, timedelta(0))
        await uow.commit()
    return stored


def _code(user_id: int, address: str = "ada@uni.edu") -> EmailCode:
    return EmailCode(
        GUILD, user_id, address, "salt$hash", NOW + timedelta(minutes=10), 0, NOW, 1, NOW
    )


async def test_codes_and_proved_addresses_round_trip_one_member_per_address(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.emails.save_code(_code(BIG))
        await uow.emails.save_code(_code(BIG, "ada2@uni.edu"))  # replaces
        await uow.emails.count_attempt(GUILD, BIG)
        await uow.commit()
    async with uow_factory() as uow:
        code = await uow.emails.code(GUILD, BIG, for_update=True)
        assert (code.address, code.attempts) == ("ada2@uni.edu", 1)
        assert await uow.emails.add_verified(GUILD, BIG, "Ada2@Uni.edu", NOW)
        assert not await uow.emails.add_verified(GUILD, 7, "ada2@uni.edu", NOW)
        assert await uow.emails.owner_of(GUILD, "ADA2@uni.edu") == BIG
        assert await uow.emails.owner_of(GUILD + 1, "ada2@uni.edu") is None
        assert await uow.emails.add_verified(GUILD, BIG, "ada3@uni.edu", NOW)  # a new one
        assert await uow.emails.owner_of(GUILD, "ada2@uni.edu") is None
        assert await uow.emails.verified_address(GUILD, BIG) == "ada3@uni.edu"
        await uow.emails.drop_code(GUILD, BIG)
        assert await uow.emails.code(GUILD, BIG) is None
        await uow.commit()


async def test_the_log_records_edits_counts_and_purges(uow_factory):
    booking = await _booking(uow_factory)
    said = [
        LoggedMessage(
            BIG - n, GUILD, booking.booking_id, 9, BIG, NOW + timedelta(seconds=n), f"m{n}"
        )
        for n in range(4)
    ]
    async with uow_factory() as uow:
        assert [await uow.session_logs.record(m) for m in said] == [True] * 4
        edit = LoggedMessage(BIG, GUILD, booking.booking_id, 9, BIG, NOW, "edited", ("a.png",), NOW)
        assert not await uow.session_logs.record(edit)
        await uow.commit()
    async with uow_factory() as uow:
        assert [m.text for m in await uow.session_logs.of_booking(booking.booking_id)] == [
            "edited", "m1", "m2", "m3",
        ]  # fmt: skip
        before = await uow.session_logs.before(booking.booking_id, NOW + timedelta(seconds=3), 2)
        assert [m.text for m in before] == ["m1", "m2"]
        assert (
            await uow.session_logs.count_since(booking.booking_id, BIG, NOW + timedelta(seconds=2))
            == 2
        )
        logged = await uow.session_logs.of_booking(booking.booking_id)
        assert logged[0].attachments == ("a.png",)
        assert await uow.session_logs.purge_booking(booking.booking_id) == 4
        assert await uow.session_logs.of_booking(booking.booking_id) == []
        await uow.commit()


async def test_flags_close_once_and_reminders_are_given_once(uow_factory):
    booking = await _booking(uow_factory)
    context = (LoggedMessage(BIG, GUILD, booking.booking_id, 9, BIG, NOW, "venmo me"),)
    flag = MessageFlag(0, GUILD, booking.booking_id, BIG, 9, BIG, ("payment", "rate"), context, NOW)
    async with uow_factory() as uow:
        stored = await uow.message_flags.add(flag)
        assert await uow.message_flags.remind_once(booking.booking_id, BIG, "payment", NOW)
        assert not await uow.message_flags.remind_once(booking.booking_id, BIG, "payment", NOW)
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.message_flags.get(GUILD, stored.flag_id)
        assert got.context == context
        assert got.kinds == ("payment", "rate")
        assert await uow.message_flags.kinds_of_message(BIG) == {"payment", "rate"}
        warned = decide(got, FlagAction.WARN, 50, NOW)
        assert await uow.message_flags.close(warned)
        assert not await uow.message_flags.close(warned)
        assert await uow.message_flags.count_open(GUILD) == 0
        [counts] = await uow.offenses.all_since(GUILD, NOW - timedelta(days=1))
        assert (counts.user_id, counts.upheld_flags) == (BIG, 1)
        await uow.commit()


async def test_a_verification_request_round_trips_and_is_decided_once(uow_factory):
    file = EvidenceFile(
        "cv.pdf", 10, "application/pdf", "f" * 64, "https://x/y", KeptIn.EVIDENCE_CHANNEL
    )
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        stored = await uow.verification_requests.add(
            VerificationRequest(0, GUILD, BIG, "TA letter", (file,), NOW)
        )
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.verification_requests.pending_of(GUILD, BIG) == stored
        assert stored.files == (file,)
        rejected = decide_request(stored, approve=False, moderator_id=50, reason="blurry", now=NOW)
        assert await uow.verification_requests.close(rejected)
        assert not await uow.verification_requests.close(rejected)
        got = await uow.verification_requests.get(GUILD, stored.request_id)
        assert (got.state, got.reason) == (RequestState.REJECTED, "blurry")
        assert await uow.verification_requests.pending(GUILD, 5) == []
        await uow.commit()
