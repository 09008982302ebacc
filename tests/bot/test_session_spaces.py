"""Session spaces through the real bot on the emulator: open, consent, voice, close, caps.

A free campus on a FixedClock, so a test can step to the opening and past the end.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from demo.journey import dm
from discord_emulator.permissions import (
    CONNECT,
    MANAGE_CHANNELS,
    MANAGE_THREADS,
    SPEAK,
    VIEW_CHANNEL,
)
from marketplace.domain.scheduled import NONCE_MAX_LENGTH
from marketplace.storage.models import ScheduledActionRow
from tests.bot.journeys import (
    confirmed_session,
    live_bookings,
    ready_tutor,
    request_first_slot,
)
from tutorbot.bootstrap import build_bot


async def _set(c, setting, value):
    result = await c.emu.slash(c.admin, c.guild, "admin config", setting=setting, value=value)
    assert f"`{setting}` is now" in result.text, result.text


async def _confirmed(c, formats=("text", "voice")):
    await _set(c, "sessions_channel", f"<#{c.sessions.id}>")
    return await confirmed_session(c, formats=formats)


async def _run_jobs(c):
    while await c.bot.jobs.sweep():
        pass
    await c.emu.settle()


async def _open(c, clock, booking):
    clock.set(booking.start - timedelta(minutes=15))
    await _run_jobs(c)


def _space_channels(c):
    threads = [t for t in c.emu.threads(c.guild) if t.name.startswith("Session #")]
    voices = [
        ch
        for ch in c.emu.channels(c.guild)
        if ch.name.startswith("Session #") and ch.name.endswith(" voice")
    ]
    return threads, voices


def _notice(c, thread):
    [message] = [m for m in c.emu.messages(thread) if m.embeds]
    return message


async def test_a_space_opens_private_with_consent_and_voice_only_after_i_agree(
    campus, clock
) -> None:
    c = campus
    booking = await _confirmed(c)
    clock.set(booking.start - timedelta(minutes=20))
    await _run_jobs(c)
    assert _space_channels(c) == ([], []), "nothing opens before its time"

    await _open(c, clock, booking)
    [thread], [voice] = _space_channels(c)
    assert thread.type == 12
    assert thread.invitable is False
    assert thread.parent_id == c.sessions.id
    assert set(thread.member_ids) - {c.emu.world.bot.user.id} == {c.student.id, c.tutor.id}
    assert c.emu.can_see(c.student, thread)
    assert c.emu.can_see(c.tutor, thread)
    assert not c.emu.can_see(c.member, thread)
    assert c.emu.channel(voice.parent_id).name == "TutorBot sessions"

    # exactly the participants see the voice channel; nobody may speak before agreeing
    for user in (c.student, c.tutor):
        perms = c.emu.permissions_for(user, voice)
        assert perms & VIEW_CHANNEL
        assert not perms & CONNECT
    assert not c.emu.permissions_for(c.member, voice) & VIEW_CHANNEL
    member_overwrites = {o.id for o in c.emu.permission_overwrites(voice) if o.type == 1}
    assert member_overwrites - {c.emu.world.bot.user.id} == {c.student.id, c.tutor.id}
    with pytest.raises(PermissionError):
        c.emu.voice_join(c.student, voice)

    notice = _notice(c, thread)
    assert "Recording is **not allowed**" in notice.text
    labels = [label for label, _, _ in notice.buttons]
    assert labels == ["I agree", "Check in", "Mark complete", "Report"]

    stranger = await c.emu.click(c.member, notice, label="I agree")
    assert "Only the student and the tutor" in stranger.text
    agreed = await c.emu.click(c.student, notice, label="I agree")
    assert "voice channel" in agreed.text
    assert "open to you" in agreed.text
    assert c.emu.permissions_for(c.student, voice) & (CONNECT | SPEAK) == CONNECT | SPEAK
    assert not c.emu.permissions_for(c.tutor, voice) & CONNECT
    again = await c.emu.click(c.student, notice, label="I agree")
    assert "already agreed" in again.text

    # joining the voice channel checks the student in, with its time and how
    clock.set(booking.start - timedelta(minutes=2))
    c.emu.voice_join(c.student, voice)
    stored = await _eventually_checked_in(c, booking.booking_id)
    async with c.runtime.services.uow(read_only=True) as uow:
        space = await uow.spaces.get(booking.booking_id)
    assert stored == {c.student.id: booking.start - timedelta(minutes=2)}
    assert space is not None
    assert space.student_agreed_at == booking.start - timedelta(minutes=15)
    assert space.tutor_agreed_at is None


async def _eventually_checked_in(c, booking_id):
    """The check-ins once there are any (the voice event reaches the bot asynchronously)."""
    for _ in range(50):
        async with c.runtime.services.uow(read_only=True) as uow:
            if stored := await uow.attendance.check_ins(booking_id):
                return stored
        await asyncio.sleep(0.1)
    raise AssertionError("nobody was checked in")


async def test_the_reminder_links_the_space_and_the_space_closes_after_the_end(
    campus, clock
) -> None:
    c = campus
    booking = await _confirmed(c)
    await _open(c, clock, booking)
    [thread], [voice] = _space_channels(c)
    reminder = [m for m in c.emu.dm_messages(c.student) if "Reminder" in m.text][-1]
    links = [url for label, url in reminder.links if label == "Open session space"]
    assert links == [f"https://discord.com/channels/{c.guild.id}/{thread.id}"]
    listing = await c.emu.slash(c.tutor, c.guild, "bookings")
    assert ("Join", links[0]) in listing.message.links

    clock.set(booking.end + timedelta(minutes=29))
    await _run_jobs(c)
    assert not c.emu.channel(thread.id).archived, "still open during the grace period"
    clock.set(booking.end + timedelta(minutes=30))
    await _run_jobs(c)
    closed = c.emu.channel(thread.id)
    assert closed.archived
    assert closed.locked
    assert voice.id not in {ch.id for ch in c.emu.channels(c.guild)}
    assert "space is now closed" in c.emu.messages(thread)[-1].text
    nonces = [m.nonce for m in c.emu.messages(thread) if m.nonce is not None]
    assert len(nonces) == 2  # the notice and the goodbye: a retried send dedupes
    assert all(len(n) <= NONCE_MAX_LENGTH for n in nonces), nonces


async def _close_job_outcomes(c, booking):
    async with c.runtime.services.uow(read_only=True) as uow:
        rows = await uow.session.execute(
            select(ScheduledActionRow.state, ScheduledActionRow.outcome).where(
                ScheduledActionRow.kind == "close_space",
                ScheduledActionRow.booking_id == booking.booking_id,
            )
        )
    return {tuple(row) for row in rows}


def _patches_of(c, channel):
    return [
        path for method, path in c.emu.requests if method == "PATCH" and str(channel.id) in path
    ]


async def test_a_bot_that_lost_its_permissions_closes_what_it_can_and_tells_the_admins_once(
    campus, clock
) -> None:
    c = campus
    booking = await _confirmed(c)
    await _open(c, clock, booking)
    [thread], [voice] = _space_channels(c)
    bot_role = c.emu.bot_role(c.guild)
    lost = MANAGE_CHANNELS | MANAGE_THREADS
    c.emu.set_bot_permissions(c.guild, bot_role.permissions & ~lost)

    clock.set(booking.end + timedelta(minutes=30))
    await _run_jobs(c)
    tries = len(_patches_of(c, thread))
    for minutes in (40, 50, 24 * 60):  # the reconciler comes round again: nothing is retried
        clock.set(booking.end + timedelta(minutes=minutes))
        await _run_jobs(c)

    # each step on its own: the voice channel's removal was refused, but the bot may still
    # say goodbye and lock the thread it made
    assert "space is now closed" in c.emu.messages(thread)[-1].text
    closed = c.emu.channel(thread.id)
    assert (closed.archived, closed.locked) == (True, True)
    assert voice.id in {ch.id for ch in c.emu.channels(c.guild)}
    assert len(_patches_of(c, thread)) == tries == 1
    alerts = [m for m in c.emu.dm_messages(c.admin) if "fully close" in m.text]
    assert len(alerts) == 1
    assert f"session #{booking.booking_id}" in alerts[0].text
    assert "Manage Threads" in alerts[0].text
    async with c.runtime.services.uow(read_only=True) as uow:
        space = await uow.spaces.get(booking.booking_id)
    assert space is not None
    assert space.status.value == "closed"
    assert ("done", "closed in part (missing_permissions)") in await _close_job_outcomes(c, booking)
    assert {e.code for e in c.emu.errors} == {50013}
    c.emu.errors.clear()  # the 50013s were expected


async def test_a_deleted_voice_channel_and_an_archived_thread_still_close_cleanly(
    campus, clock
) -> None:
    c = campus
    booking = await _confirmed(c)
    await _open(c, clock, booking)
    [thread], [voice] = _space_channels(c)
    c.emu.delete_channel(voice)  # an admin tidied up by hand
    c.emu.channel(thread.id).archived = True  # and archived the thread, unlocked

    clock.set(booking.end + timedelta(minutes=30))
    await _run_jobs(c)

    closed = c.emu.channel(thread.id)
    assert (closed.archived, closed.locked) == (True, True)
    assert "space is now closed" in c.emu.messages(thread)[-1].text
    assert [m for m in c.emu.dm_messages(c.admin) if "close" in m.text] == []
    assert ("done", "closed") in await _close_job_outcomes(c, booking)
    assert {e.status for e in c.emu.errors} == {404}
    c.emu.errors.clear()  # the voice channel's 404 was expected


async def test_cancelling_closes_the_open_space_at_once(campus, clock) -> None:
    c = campus
    booking = await _confirmed(c, formats=("text",))
    await _open(c, clock, booking)
    [thread], voices = _space_channels(c)
    assert voices == [], "a text-only tutor gets no voice channel"
    asked = await c.emu.slash(c.tutor, c.guild, "cancel", booking=booking.booking_id)
    await c.emu.click(c.tutor, asked.message, label="Confirm")
    await _run_jobs(c)
    assert c.emu.channel(thread.id).archived


async def test_at_the_thread_cap_a_private_channel_stands_in(campus, clock) -> None:
    c = campus
    booking = await _confirmed(c, formats=("text",))
    c.emu.world.guilds[c.guild.id].max_active_threads = len(c.emu.world.active_threads(c.guild.id))
    await _open(c, clock, booking)
    assert [t for t in c.emu.threads(c.guild) if t.name.startswith("Session #")] == []
    channel = c.emu.channel_named(c.guild, f"session-{booking.booking_id}")
    assert c.emu.can_see(c.student, channel)
    assert c.emu.can_see(c.tutor, channel)
    assert not c.emu.can_see(c.member, channel)
    assert "I agree" in [label for label, _, _ in _notice(c, channel).buttons]
    async with c.runtime.services.uow(read_only=True) as uow:
        space = await uow.spaces.get(booking.booking_id)
    assert space is not None
    assert space.fallback == "thread_cap"
    c.emu.errors.clear()  # the 160006 was expected


async def test_at_the_channel_cap_the_session_goes_on_in_the_thread_only(campus, clock) -> None:
    c = campus
    booking = await _confirmed(c)
    c.emu.world.guilds[c.guild.id].max_channels = len(c.emu.channels(c.guild))
    await _open(c, clock, booking)
    [thread], voices = _space_channels(c)
    assert voices == []
    notice = _notice(c, thread)
    assert "Check in" in [label for label, _, _ in notice.buttons]
    agreed = await c.emu.click(c.student, notice, label="I agree")
    assert "Thanks for agreeing" in agreed.text
    c.emu.errors.clear()  # the 30013 was expected


async def test_a_full_category_overflows_into_the_next(campus, clock) -> None:
    c = campus
    booking = await _confirmed(c)
    full = c.emu.add_category(c.guild, "TutorBot sessions")
    c.emu.add_voice_channel(c.guild, "someone else's", full)
    c.emu.world.guilds[c.guild.id].max_channels_per_category = 1
    await _open(c, clock, booking)
    [_thread], [voice] = _space_channels(c)
    assert c.emu.channel(voice.parent_id).name == "TutorBot sessions 2"
    # Discord answers a full category with 50035 on parent_id: a limit, not a bad request
    assert c.emu.contract_violations == []
    c.emu.errors.clear()  # the 50035 was expected


async def test_without_a_sessions_channel_the_admins_are_told_once(campus, clock) -> None:
    c = campus
    await ready_tutor(c)
    for _ in range(2):
        await request_first_slot(c)
        request = await dm(c, c.tutor, "New session request")
        await c.emu.click(c.tutor, request, label="Accept")
    bookings = await live_bookings(c, c.student)
    clock.set(min(b.start for b in bookings) - timedelta(minutes=15))
    await _run_jobs(c)
    # the bot creates #tutoring-sessions and says so, once (test_session_space_fallback)
    alerts = [m for m in c.emu.dm_messages(c.admin) if "No sessions channel" in m.text]
    assert len(alerts) == 1
    assert "sessions_channel" in alerts[0].text


async def test_missing_permissions_are_reported_and_nothing_is_left_behind(campus, clock) -> None:
    c = campus
    booking = await _confirmed(c)
    bot_role = c.emu.bot_role(c.guild)
    c.emu.set_bot_permissions(c.guild, bot_role.permissions & ~(1 << 4))  # no Manage Channels
    await _open(c, clock, booking)
    threads, voices = _space_channels(c)
    assert voices == []
    assert threads == []
    alerts = [m for m in c.emu.dm_messages(c.admin) if "missing permissions" in m.text]
    assert len(alerts) == 1
    c.emu.errors.clear()  # the 50013 was expected


async def test_the_report_button_opens_a_case_about_the_other_side(campus, clock) -> None:
    c = campus
    booking = await _confirmed(c, formats=("text",))
    await _open(c, clock, booking)
    [thread], _ = _space_channels(c)
    notice = _notice(c, thread)
    refused = await c.emu.click(c.member, notice, label="Report")
    assert "Only the student and the tutor" in refused.text
    form = await c.emu.click(c.student, notice, label="Report")
    assert form.modal is not None
    thanks = await c.emu.submit_modal(c.student, form.modal, {"report:reason": "Rude."})
    assert "the moderators have your report #1" in thanks.text
    async with c.runtime.services.uow(read_only=True) as uow:
        cases = await uow.cases.open_cases(c.guild.id, limit=10, offset=0)
    assert [(x.target_id, x.booking_id) for x in cases] == [(c.tutor.id, booking.booking_id)]


async def test_space_buttons_keep_working_after_a_restart(campus, clock) -> None:
    c = campus
    booking = await _confirmed(c)
    await _open(c, clock, booking)
    [thread], [voice] = _space_channels(c)
    notice = _notice(c, thread)
    await c.bot.close()
    bot = build_bot(c.runtime)
    task = asyncio.create_task(bot.start("emulated-bot-token"))
    try:
        await c.emu.wait_until_ready()
        agreed = await c.emu.click(c.tutor, notice, label="I agree")
        assert "open to you" in agreed.text
        assert c.emu.permissions_for(c.tutor, voice) & CONNECT
        clock.set(booking.start)
        checked = await c.emu.click(c.tutor, notice, label="Check in")
        assert "checked in" in checked.text
    finally:
        await bot.close()
        task.cancel()


async def test_with_dms_closed_the_reminder_goes_to_the_session_thread(campus, clock) -> None:
    c = campus
    booking = await _confirmed(c, formats=("text",))
    c.emu.close_dms(c.student)
    await _open(c, clock, booking)
    [thread], _ = _space_channels(c)
    [reminder] = [m for m in c.emu.messages(thread) if "Reminder" in m.text]
    assert reminder.content.startswith(f"<@{c.student.id}>")
    c.emu.errors.clear()  # the 50007 was expected


async def test_a_profile_can_be_reported_but_not_your_own(campus) -> None:
    c = campus
    await ready_tutor(c)
    own = await c.emu.slash(c.tutor, c.guild, "profile view")
    assert "Report" not in [label for label, _, _ in own.message.buttons]
    card = await c.emu.slash(c.student, c.guild, "profile view", user=c.tutor)
    form = await c.emu.click(c.student, card.message, label="Report")
    assert form.modal is not None
    blank = await c.emu.submit_modal(c.student, form.modal, {"report:reason": "   "})
    assert "reason" in blank.text.lower()
    assert blank.message.ephemeral
    thanks = await c.emu.submit_modal(
        c.student, form.modal, {"report:reason": "Asked me for my phone number."}
    )
    assert "the moderators have your report #1" in thanks.text
    async with c.runtime.services.uow(read_only=True) as uow:
        cases = await uow.cases.open_cases(c.guild.id, limit=10, offset=0)
    assert [(x.reporter_id, x.target_id, x.booking_id) for x in cases] == [
        (c.student.id, c.tutor.id, None)
    ]


async def test_moderators_see_spaces_only_when_the_guild_allows_it(campus, clock) -> None:
    c = campus
    mod = c.emu.add_user("Mo")
    c.emu.add_member(c.guild, mod, roles=[c.moderators])
    await _set(c, "moderator_role", f"<@&{c.moderators.id}>")
    await _set(c, "moderators_see_spaces", "on")
    await _set(c, "recording_allowed", "on")
    booking = await _confirmed(c)
    await _open(c, clock, booking)
    [thread], [voice] = _space_channels(c)
    assert c.emu.can_see(mod, thread)
    assert c.emu.permissions_for(mod, voice) & (VIEW_CHANNEL | CONNECT) == VIEW_CHANNEL | CONNECT
    assert not c.emu.can_see(c.member, thread)
    notice = _notice(c, thread)
    assert "and the moderators can see it" in notice.text
    assert "Recording is allowed only if you both say yes" in notice.text


async def test_without_the_setting_moderators_do_not_see_spaces(campus, clock) -> None:
    c = campus
    mod = c.emu.add_user("Mo")
    c.emu.add_member(c.guild, mod, roles=[c.moderators])
    await _set(c, "moderator_role", f"<@&{c.moderators.id}>")
    booking = await _confirmed(c)
    await _open(c, clock, booking)
    [thread], [voice] = _space_channels(c)
    assert not c.emu.can_see(mod, thread)
    assert not c.emu.permissions_for(mod, voice) & VIEW_CHANNEL


async def test_a_server_at_every_cap_gets_no_space_and_the_admins_are_told(campus, clock) -> None:
    c = campus
    booking = await _confirmed(c, formats=("text",))
    limits = c.emu.world.guilds[c.guild.id]
    limits.max_active_threads = len(c.emu.world.active_threads(c.guild.id))
    limits.max_channels = len(c.emu.channels(c.guild))
    await _open(c, clock, booking)
    assert _space_channels(c) == ([], [])
    alerts = [m for m in c.emu.dm_messages(c.admin) if "Discord's limits" in m.text]
    assert len(alerts) == 1
    async with c.runtime.services.uow(read_only=True) as uow:
        space = await uow.spaces.get(booking.booking_id)
    assert space is not None
    assert (space.status.value, space.fallback) == ("failed", "server_full")
    c.emu.errors.clear()  # the 160006 and 30013 were expected
