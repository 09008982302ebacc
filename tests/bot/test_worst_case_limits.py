"""Every presenter and every form, fed the worst the product lets in, still fits Discord.

Each test runs in every language the bot speaks: a translation may be longer than the
English, and Discord's limits hold for all of them.

The inputs (`tests.bot.worst_case`) are the longest names, subjects, bios, notes, reasons
and reviews the product's own limits allow, in wide Unicode, with the most availability
entries, bookings, cases and queue items. What each presenter or form produces is turned
into the payload discord.py would send (`Embed.to_dict`, `View.to_components`,
`Modal.to_dict`, `Choice.to_dict`) and checked by the emulator's own checkers: Discord's
documented limits (`discord_emulator.limits`) and Discord's OpenAPI request schemas.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any, cast

import discord
import pytest
from discord import app_commands
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from bot import texts
from bot.flows import (
    base,
    booking_buttons,
    booking_list,
    booking_manage,
    case_buttons,
    confirm,
    disputes,
    find_results,
    flag_buttons,
    group_buttons,
    notes,
    pay,
    profile_edit,
    queue_buttons,
    report,
    reviews,
    series_buttons,
    space_buttons,
    start_wizard,
    survey,
    tutor_apply,
    verify_email,
    verify_request,
)
from bot.i18n import ENGLISH, LANGUAGES, current, speaking
from bot.presenters import (
    admin,
    availability,
    bookings,
    case_file,
    flags,
    moderation,
    notices,
    onboarding,
    profiles,
    requests,
    stats,
    text_limits,
)
from bot.presenters import dropin as dropin_presenter
from bot.presenters import groups as groups_presenter
from bot.presenters import notes as notes_presenter
from bot.presenters import referrals as referrals_presenter
from bot.presenters import reviews as reviews_presenter
from bot.presenters import series as series_presenter
from bot.presenters import weekly_report as weekly_presenter
from discord_emulator import limits
from discord_emulator.errors import DiscordAPIError
from discord_emulator.openapi import validator_for_ref
from marketplace.domain import availability as availability_rules
from marketplace.domain import survey as survey_rules
from marketplace.domain.booking import BookingState
from marketplace.domain.cancellation import CancellationOutcome
from marketplace.domain.card_disputes import CardDispute
from marketplace.domain.checklist import Step
from marketplace.domain.disputes import Dispute, DisputeOutcome
from marketplace.domain.dropin import DropInHours, QueueBoard, Visit
from marketplace.domain.errors import ConflictError
from marketplace.domain.evidence_files import MAX_FILE_BYTES, EvidenceFile, KeptIn
from marketplace.domain.groups import GroupSession, SeatCount
from marketplace.domain.members import Member, Subject
from marketplace.domain.money import Money
from marketplace.domain.notes import Goals, Pair, ProgressNote
from marketplace.domain.offenses import OffenseCounts
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import Completeness, Level, Role
from marketplace.domain.ranking import CompletionCounts
from marketplace.domain.referrals import Referral, ReferralStatus
from marketplace.domain.refund_failures import RefundFailure, RefundFailureState
from marketplace.domain.restrictions import Restriction
from marketplace.domain.reviews import Party
from marketplace.domain.series import DST_GAP, SeriesWeek
from marketplace.domain.session_log import (
    CONTEXT_MESSAGES,
    LOG_TEXT_MAX,
    LoggedMessage,
    MessageFlag,
)
from marketplace.domain.stats import DaySeries, GuildStats, MoneyTotals, Period, Window
from marketplace.domain.survey import Answer, SurveyResponse
from marketplace.domain.verification_requests import NOTE_MAX_LEN, VerificationRequest
from marketplace.domain.weekly_report import SubjectDemand
from marketplace.ports import Notice, NoticeKind, SpacePlan
from marketplace.ports.groups import ListedGroup
from marketplace.ports.notice_details import GroupDetails, GuildDetails
from marketplace.ports.notify import notice_details
from marketplace.services import booking_views
from marketplace.services import groups as groups_service
from marketplace.services import referrals as referral_service
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.dropin import QueuePlace
from marketplace.services.message_flags import FLAGS_SHOWN, FlagQueue
from marketplace.services.moderation import FailedWork, ModQueue, OffenseRecord, OpenDisputeLine
from marketplace.services.notes import NOTES_LOADED, NotesCard, TemplatePrompt
from marketplace.services.restrictions import Restricted
from marketplace.services.results import GuildConfig, Onboarded, ProfileCard
from marketplace.services.reviews import ReviewPrompt
from marketplace.services.search import MAX_RESULTS, SearchResults, TutorHit
from marketplace.services.series import PlannedWeek, SeriesPlan
from marketplace.services.stats import StatsReport
from marketplace.services.survey import SurveyAnswered
from marketplace.services.verification_requests import REQUESTS_SHOWN
from marketplace.services.weekly_report import WeeklyReport
from tests.bot import worst_case as worst
from tests.bot.worst_case import NOW, SNOWFLAKE, START

WORST = settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,  # the language: the same for every example
    ],
)
NO_SERVICES = cast(ServiceContext, None)  # the forms only keep it for their callbacks


@pytest.fixture(autouse=True, params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    """Speak each of the bot's languages in turn."""
    with speaking(request.param):
        yield request.param


def _schema(name: str) -> Draft202012Validator:
    return validator_for_ref(f"#/components/schemas/{name}")


def _conforms(schema: str, payload: dict[str, Any]) -> None:
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in _schema(schema).iter_errors(payload)
    ]
    assert not problems, (schema, problems)


def _within_limits(check: Any, payload: dict[str, Any], **kwargs: Any) -> None:
    try:
        check(payload, **kwargs)
    except DiscordAPIError as error:
        pytest.fail(f"{error}: {json.dumps(error.errors)[:2000]}")


def assert_message_fits(
    content: str | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
) -> dict[str, Any]:
    """The message as a channel message and as an interaction reply, both within limits."""
    data: dict[str, Any] = {}
    if content is not None:
        data["content"] = content
    if embeds:
        data["embeds"] = [e.to_dict() for e in embeds]
    if view is not None:
        data["components"] = view.to_components()
    _within_limits(limits.check_message, data)
    _conforms("MessageCreateRequest", data)
    _conforms("CreateMessageInteractionCallbackRequest", {"type": 4, "data": {**data, "flags": 64}})
    return data


def assert_modal_fits(modal: discord.ui.Modal) -> dict[str, Any]:
    """The modal as discord.py sends it, within limits (prefills within min/max too)."""
    data = cast(dict[str, Any], modal.to_dict())
    _within_limits(limits.check_modal, data)
    _conforms("ModalInteractionCallbackRequest", {"type": 9, "data": data})
    for component in _inputs(data):
        value = component.get("value")
        if value is not None:
            assert component.get("min_length", 0) <= len(value) <= component["max_length"]
    return data


def _inputs(data: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for top in data["components"]:
        yield from top.get("components", [])
        if "component" in top:
            yield top["component"]


def assert_choices_fit(choices: Sequence[app_commands.Choice[Any]]) -> None:
    """Autocomplete choices as discord.py sends them, within limits."""
    data = {"choices": [c.to_dict() for c in choices]}
    _within_limits(limits.check_choices, data)
    _conforms("ApplicationCommandAutocompleteCallbackRequest", {"type": 8, "data": data})


class _Member:
    def __init__(self, name: str) -> None:
        self.display_name = name
        self.id = SNOWFLAKE


class _Names(dict[int, str]):
    """Everyone's display name as long as Discord allows, by id (and as a guild would)."""

    def __init__(self, name: str, ids: Iterable[int]) -> None:
        super().__init__((user_id, name) for user_id in ids)
        self.name = name

    def get_member(self, user_id: int) -> _Member:
        return _Member(self.name)


# --- availability ------------------------------------------------------------------------


def test_the_availability_list_at_the_cap_shows_every_entry_within_limits() -> None:
    entries = worst.availability_entries()
    assert len("\n".join(map(availability.entry_text, entries))) > limits.EMBED_TOTAL_MAX // 2
    embeds = availability.availability_embeds(entries)
    assert_message_fits(embeds=embeds)
    shown = "\n".join(e.description or "" for e in embeds)
    assert all(f"`{e.entry_id}`" in shown for e in entries)
    assert "more" not in shown
    assert_choices_fit(availability.entry_choices(entries, ""))
    assert availability.availability_embeds([])[0].description == texts.AVAILABILITY_NONE


def test_an_availability_preview_of_every_day_fits_one_message() -> None:
    rules = tuple(
        availability_rules.WeeklyRule(
            day, availability_rules.time(9 + day), availability_rules.time(20),
            worst.LONGEST_ZONE, valid_until=availability_rules.date(2027, 9, 29),
        )
        for day in range(7)
    )  # fmt: skip
    draft = availability.AvailabilityDraft(
        worst.LONGEST_ZONE,
        rules,
        availability_rules.OneOffWindow(START, START + timedelta(hours=2)),
        availability_rules.DayOff(availability_rules.date(2027, 9, 29), worst.LONGEST_ZONE),
    )
    text = f"**{texts.AVAILABILITY_PREVIEW_TITLE}**\n" + "\n".join(availability.draft_lines(draft))
    view = confirm.ConfirmView(1, _never, key="avail", back_text=texts.AVAILABILITY_DISCARDED)
    assert_message_fits(text, view=view)
    assert availability.days_label(list(range(5))) == texts.DAYS_NAMED[tuple(range(5))]  # "weekday"
    assert availability.weekly_lines(rules)


async def _never() -> str:
    raise AssertionError


# --- profiles, /start and /tutor apply ---------------------------------------------------


def _card(catalogue: list[Subject], bio: str, goals: str) -> ProfileCard:
    teaches, rest = catalogue[:10], catalogue[10:]
    return ProfileCard(
        user_id=SNOWFLAKE,
        member=Member(SNOWFLAKE, SNOWFLAKE, Role.BOTH, NOW),
        timezone=worst.LONGEST_ZONE,
        student=worst.student(rest, goals),
        tutor=worst.tutor(teaches, rest, bio),
        completeness=Completeness(40, tuple(texts.MISSING_ITEMS)),
        subject_names={s.key: s.name for s in catalogue},
        payments_on=False,
        rating=4.99,
        review_count=SNOWFLAKE,
        completion=CompletionCounts(held=SNOWFLAKE, dropped=1),
    )


@WORST
@given(worst.catalogue(30), worst.bio_and_goals(), worst.display_name())
def test_the_profile_card_and_its_forms_fit_with_the_longest_everything(
    catalogue: list[Subject], bio_goals: tuple[str, str], name: str
) -> None:
    card = _card(catalogue, *bio_goals)
    embed = profiles.profile_embed(card, name, viewer_is_owner=True)
    view = discord.ui.View(timeout=None)
    view.add_item(report.ReportProfileButton(SNOWFLAKE, SNOWFLAKE))
    data = assert_message_fits(embeds=[embed], view=view)
    fields = {f["name"]: f["value"] for f in data["embeds"][0]["fields"]}
    more = texts.AND_MORE.split("{count}")[0]  # "…and " in the language spoken
    assert more in fields[texts.PROFILE_TUTORING]
    assert more in fields[texts.PROFILE_STUDENT]
    if current.get() == ENGLISH:  # the budget is English's: longer labels may clip them
        assert bio_goals[1] in fields[texts.PROFILE_STUDENT]  # the goals are never cut
    assert profiles.sessions_line(card.completion)

    assert_modal_fits(profile_edit.ProfileEditModal(card, NO_SERVICES))
    draft = tutor_apply.ApplyDraft.from_card(card)
    wizard = tutor_apply.TutorApplyView(SNOWFLAKE, NO_SERVICES, catalogue[:25], draft)
    assert_message_fits(texts.TUTOR_APPLY_INTRO, view=wizard)
    assert_modal_fits(tutor_apply.TutorApplyModal(wizard, Level.ADVANCED))
    start = start_wizard.StartView(SNOWFLAKE, NO_SERVICES, catalogue, worst.LONGEST_ZONE)
    assert_message_fits(texts.START_INTRO, view=start)
    assert_modal_fits(start_wizard.ZoneModal(start))


def test_a_tutor_apply_form_keeps_whole_subject_names_it_does_not_teach() -> None:
    catalogue = [Subject(f"subject-{n}", f"Subject number {n:02}") for n in range(40)]
    card = _card(catalogue, "", "")
    draft = tutor_apply.ApplyDraft.from_card(card)
    assert len(draft.not_teaching) <= tutor_apply.NOT_TEACHING_MAX_CHARS
    names = draft.not_teaching.split(", ")
    assert all(name in {s.name for s in catalogue} for name in names)


def test_with_no_subjects_no_menu_carries_an_empty_select() -> None:
    card = _card([], "", "")
    draft = tutor_apply.ApplyDraft.from_card(card)
    wizard = tutor_apply.TutorApplyView(SNOWFLAKE, NO_SERVICES, [], draft)
    start = start_wizard.StartView(SNOWFLAKE, NO_SERVICES, [], None)
    for view in (wizard, start):
        data = assert_message_fits(texts.NO_SUBJECTS_YET, view=view)
        selects = [c for row in data["components"] for c in row["components"] if c["type"] == 3]
        assert all(s["options"] for s in selects)
    assert "/admin subjects add" in texts.NO_SUBJECTS_YET


@WORST
@given(worst.catalogue(10), worst.display_name())
def test_the_start_summary_fits_with_the_most_subjects(catalogue: list[Subject], name: str) -> None:
    result = Onboarded(
        Member(SNOWFLAKE, SNOWFLAKE, Role.BOTH, NOW),
        worst.LONGEST_ZONE,
        tuple(catalogue),
        Level.INTERMEDIATE,
        tuple(Step(key, done=False) for key in texts.STEP_TEXT),
    )
    assert_message_fits(embeds=[onboarding.onboarded_embed(result, name)])
    assert_message_fits(embeds=[onboarding.help_embed()])
    assert onboarding.checklist_lines([Step("x", done=True)])


# --- bookings, /find and the booking picker ----------------------------------------------

STATES = list(BookingState)


@WORST
@given(worst.catalogue(10), worst.booking_note(), worst.display_name())
def test_bookings_fit_with_the_longest_subjects_and_names(
    catalogue: list[Subject], note: str, name: str
) -> None:
    names = {s.key: s.name for s in catalogue}
    listed = [
        worst.booking(
            STATES[n % len(STATES)], note=note, price=worst.BIGGEST_PRICE,
            booking_id=SNOWFLAKE - n, subject_key=catalogue[n].key,
        )
        for n in range(booking_views.LIST_LIMIT)
    ]  # fmt: skip
    for upcoming in (True, False):
        embed = bookings.bookings_embed(
            listed, listed[0].student_id, names, upcoming=upcoming, fallback_count=SNOWFLAKE
        )
        assert_message_fits(embeds=[embed], view=_fullest_bookings_view(listed))
    people = {uid: name for b in listed for uid in (b.student_id, b.tutor_id)}
    choices = bookings.booking_choices(listed * 3, people, 1, "")
    assert_choices_fit(choices)
    outcome = CancellationOutcome(50, 50, late=True, after_start=False)
    for booking in listed:
        for by_tutor in (True, False):
            text = bookings.cancellation_text(
                booking, outcome, names[booking.subject_key], by_tutor
            )
            assert_message_fits(text, view=_cancel_view())
        assert_message_fits(bookings.booked_text(booking))
        assert bookings.is_live(booking) in (True, False)
        assert bookings.can_mark_complete(booking, NOW) in (True, False)
        assert bookings.payment_label(booking, None)


def _cancel_view() -> discord.ui.View:
    return confirm.ConfirmView(
        1, _never, key="cancel", back_label="Keep", back_text=texts.KEEP, danger=True
    )


def _fullest_bookings_view(listed: list[Any]) -> discord.ui.View:
    """The fullest `/bookings` rows: the tag, Check in, Join, Pay, Mark complete, Cancel.

    `booking_list.bookings_view` asks the services which buttons apply, so its rows are
    built here from the same buttons, as many as a row can take, on every row it allows.
    """
    view = discord.ui.View(timeout=None)
    for row, booking in enumerate(listed[: booking_list.MAX_ROWS]):
        guild, number = booking.guild_id, booking.booking_id
        items: list[discord.ui.Item[Any]] = [
            discord.ui.Button(
                label=f"#{number}", disabled=True, custom_id=f"bookings:tag:{number}"
            ),
            booking_buttons.CheckInButton(guild, number),
            booking_buttons.space_link(guild, SNOWFLAKE, texts.JOIN_LABEL),
            pay.link_button(texts.PAY_LABEL, f"https://pay.example.com/{'x' * 400}"),
            booking_buttons.MarkCompleteButton(guild, number),
        ]
        if row % 2:
            items[2:] = [
                reviews.LeaveReviewButton(guild, number),
                disputes.OpenDisputeButton(guild, number),
                booking_buttons.ManageButton("resched", guild, number),
                booking_buttons.ManageButton("cancel", guild, number),
            ]
        for item in items[: booking_list.MAX_PER_ROW]:
            item.row = row
            view.add_item(item)
    return view


def _hit(n: int, name: str) -> TutorHit:
    return TutorHit(
        SNOWFLAKE - n, name, Level.INTERMEDIATE, worst.BIGGEST_PRICE, "moderator-verified",
        instant_booking=True, next_slot=START, accepting_payments=n % 2 == 0,
    )  # fmt: skip


@WORST
@given(worst.subject(), worst.display_name())
def test_search_results_and_the_picker_fit_on_every_page(subject: Subject, name: str) -> None:
    hits = tuple(_hit(n, name) for n in range(MAX_RESULTS))
    for payments_on in (True, False):
        results = SearchResults(subject.key, subject.name, hits, (START, START), payments_on)
        for page in (0, results.pages - 1):
            view = find_results.ResultsView(SNOWFLAKE, NO_SERVICES, results, page)
            assert_message_fits(embeds=[view.embed()], view=view)
    picker = find_results.BookingPicker(SNOWFLAKE, NO_SERVICES, SNOWFLAKE)
    picker.zone = worst.LONGEST_ZONE
    picker.starts = [START + timedelta(hours=n) for n in range(booking_views.PICKER_LIMIT)]
    picker.add_item(find_results.DurationSelect(picker, GuildPolicy().allowed_durations_minutes))
    picker.add_item(find_results.SlotSelect(picker))
    picker.add_item(find_results.ConfirmBookingButton(picker))
    assert_message_fits(picker.text(), view=picker)
    actor = Actor(SNOWFLAKE, "x" * worst.GUILD_NAME_MAX, SNOWFLAKE)
    assert_modal_fits(booking_manage.RescheduleModal(actor, SNOWFLAKE, NO_SERVICES))


# --- moderation ----------------------------------------------------------------------------


def _card_dispute(n: int) -> CardDispute:
    return CardDispute(
        f"du_{'x' * 24}{n}", SNOWFLAKE - n, SNOWFLAKE, 10**12, "ISK", "product_unacceptable",
        "warning_needs_response", NOW, 10**12, 1500, 0, NOW,
    )  # fmt: skip


def _refund_failure(n: int) -> RefundFailure:
    return RefundFailure(
        f"re_{'x' * 24}{n}", SNOWFLAKE - 10 - n, SNOWFLAKE, 10**12, "ISK",
        "charge_for_pending_refund_disputed", RefundFailureState.OPEN, NOW,
    )  # fmt: skip


def _dispute(statement: str, n: int = 0) -> Dispute:
    return Dispute(
        SNOWFLAKE - n, SNOWFLAKE, SNOWFLAKE, SNOWFLAKE, Party.STUDENT, statement, NOW,
        outcome=DisputeOutcome.NO_REFUND, refund_percent=100,
    )  # fmt: skip


@WORST
@given(worst.case_reason(), worst.dispute_statement(), worst.restriction_reason())
def test_the_moderator_queue_and_history_fit_when_full(
    reason: str, statement: str, restriction_reason: str
) -> None:
    page = [worst.case(reason, SNOWFLAKE - n) for n in range(worst.QUEUE_PAGE)]
    full = ModQueue(
        cases=page, total=SNOWFLAKE, page=SNOWFLAKE - 1, pages=SNOWFLAKE,
        card_disputes=[_card_dispute(n) for n in range(5)],
        held_reviews=[worst.review(Party.TUTOR, "", "")] * 5,
        disputes=[OpenDisputeLine(_dispute(statement, n), NOW, overdue=True) for n in range(10)],
        failed_work=[FailedWork("open_space" * 20, SNOWFLAKE, NOW)] * 5,
        refund_failures=[_refund_failure(n) for n in range(5)],
        repeat_offenders=[OffenseCounts(SNOWFLAKE - n, 10**6, 10**6, 10**6) for n in range(10)],
        offense_window_days=365,
    )  # fmt: skip
    view = case_buttons.queue_view(SNOWFLAKE, full)
    assert view is not None
    assert len(view.children) == worst.QUEUE_PAGE + 5 + 2 * 5  # Resolve, evidence, refunds
    assert_message_fits(embeds=[moderation.queue_embed(full)], view=view)
    empty = ModQueue([], 0, 1, 1, [])
    assert_message_fits(embeds=[moderation.queue_embed(empty)])
    assert case_buttons.queue_view(SNOWFLAKE, empty) is None
    assert_modal_fits(case_buttons.ResolveCaseModal(SNOWFLAKE, SNOWFLAKE))

    user = cast(discord.abc.User, _Member("w" * worst.DISPLAY_NAME_MAX))
    history = [worst.case(reason, SNOWFLAKE - n, closed=n % 2 == 0) for n in range(15)]
    restriction = Restriction(SNOWFLAKE, SNOWFLAKE, None, restriction_reason, SNOWFLAKE, NOW)
    record = OffenseRecord(OffenseCounts(SNOWFLAKE, 10**6, 10**6, 10**6), 365, 1)
    for shown in (history, []):
        for offenses in (record, None):
            embed = moderation.history_embed(user, shown, restriction, NOW, offenses)
            assert_message_fits(embeds=[embed])
    ended = replace(restriction, until=NOW - timedelta(days=1))
    assert moderation.restriction_line(ended, NOW)
    assert_message_fits(moderation.restricted_text(Restricted(restriction, ended)))
    assert_message_fits(moderation.dispute_decided_text(_dispute(statement)))
    assert_message_fits(case_buttons.resolved_text(history[0]))
    assert moderation.action_name("unknown") == "unknown"
    listed = [worst.booking(booking_id=SNOWFLAKE - n) for n in range(30)]
    labels = [moderation.booking_choice_label(b, b.tutor_id) for b in listed]
    assert_choices_fit([app_commands.Choice(name=x, value=SNOWFLAKE) for x in labels][:25])


def _flag(n: int, text: str) -> MessageFlag:
    said = tuple(
        LoggedMessage(SNOWFLAKE - m, SNOWFLAKE, SNOWFLAKE, SNOWFLAKE, SNOWFLAKE - m, NOW, text)
        for m in range(CONTEXT_MESSAGES + 1)
    )
    kinds = ("abuse", "phone", "email", "payment", "link", "rate")
    return MessageFlag(SNOWFLAKE - n, SNOWFLAKE, SNOWFLAKE, SNOWFLAKE, SNOWFLAKE, SNOWFLAKE,
                       kinds, said, NOW)  # fmt: skip


@WORST
@given(st.text(worst.WIDE, min_size=LOG_TEXT_MAX, max_size=LOG_TEXT_MAX))
def test_flagged_messages_and_the_email_code_form_fit(text: str) -> None:
    full = FlagQueue([_flag(n, text) for n in range(FLAGS_SHOWN)], SNOWFLAKE)
    view = flag_buttons.flags_view(SNOWFLAKE, full)
    assert len(view.children) == 3 * FLAGS_SHOWN
    assert_message_fits(embeds=[flags.flags_embed(full)], view=view)
    purged = FlagQueue([replace(_flag(0, text), context=())], 1)
    assert texts.MOD_FLAG_PURGED in str(flags.flags_embed(purged).to_dict())
    assert_modal_fits(verify_email.EnterCodeModal(SNOWFLAKE))
    assert_modal_fits(verify_request.VerifyRequestModal(SNOWFLAKE))
    assert_modal_fits(verify_request.RejectReasonModal(SNOWFLAKE, SNOWFLAKE))
    big = EvidenceFile(
        "f" * 100, MAX_FILE_BYTES, "x" * 100, "0" * 64, "h" * 300, KeptIn.DISCORD_LINK
    )
    waiting = [
        VerificationRequest(
            SNOWFLAKE - n, SNOWFLAKE, SNOWFLAKE, text[:NOTE_MAX_LEN], (big,) * 3, NOW
        )
        for n in range(REQUESTS_SHOWN)
    ]
    said = [{"author": SNOWFLAKE, "at": NOW.isoformat(), "text": text, "files": ["f" * 100]}] * 500
    evidence = {
        "state": "completed", "check_ins": {"student": NOW.isoformat(), "tutor": None},
        "deliveries": [{}] * 50, "session_log": said, "attachments": [big.to_json()] * 5,
    }  # fmt: skip
    case = replace(_dispute(text[:1500]), evidence=evidence)
    assert_message_fits(embeds=[case_file.case_file_embed(case)])
    log = case_file.session_log_file(case)
    assert log is not None
    assert case_file.session_log_file(replace(case, evidence={})) is None
    view = verify_request.requests_view(SNOWFLAKE, waiting)
    assert len(view.children) == 2 * REQUESTS_SHOWN
    assert_message_fits(embeds=[requests.requests_embed(waiting)], view=view)
    assert_message_fits(
        texts.EMAIL_CODE_SENT.format(address="x" * 254, expires=SNOWFLAKE, resend=SNOWFLAKE),
        view=verify_email.enter_code_view(SNOWFLAKE, SNOWFLAKE),
    )


# --- notices (DMs), session spaces, survey ---------------------------------------------------


def _extras(reason: str, guild: str) -> dict[str, Any]:
    return {
        "reason": reason, "guild": guild, "until": str(int(NOW.timestamp())),
        "new": "moderator-verified", "old": "campus-email", "amount": str(10**14),
        "currency": "EUR", "student_reviews": SNOWFLAKE, "student_rating": 4.99,
        "space_id": SNOWFLAKE, "offset_minutes": 15, "outcome": "refund", "refund": 100,
        "absent": "student", "kinds": "abuse,phone,email,payment,link,rate",
        "booking": str(SNOWFLAKE), "referred": str(SNOWFLAKE),
    }  # fmt: skip


@WORST
@given(
    worst.subject(),
    worst.booking_note(),
    worst.restriction_reason(),
    st.text(worst.WIDE, min_size=worst.GUILD_NAME_MAX, max_size=worst.GUILD_NAME_MAX),
)
def test_every_notice_fits_with_the_longest_note_reason_and_guild_name(
    subject: Subject, note: str, reason: str, guild: str
) -> None:
    for kind in NoticeKind:
        for to in (SNOWFLAKE - 1, SNOWFLAKE - 2):
            booking = worst.booking(price=worst.BIGGEST_PRICE, note=note)
            notice = Notice(
                kind, SNOWFLAKE, to, "n" * 25, booking, SNOWFLAKE,
                details=notice_details(kind, _extras(reason, guild)),
            )  # fmt: skip
            rendered = notices.render_notice(notice, subject.name, NOW)
            assert_message_fits(embeds=[rendered.embed], view=rendered.view)
            assert notices.ics_file(rendered) is None or rendered.ics is not None
    lifted = Notice(NoticeKind.RESTRICTION_LIFTED, SNOWFLAKE, 1, "n", details=GuildDetails(guild))
    assert_message_fits(embeds=[notices.account_notice_embed(lifted)])
    assert notices.restriction_until("") == texts.MOD_RESTRICT_UNTIL_LIFTED
    assert notices.when_line(worst.booking())


@WORST
@given(worst.subject())
def test_a_session_space_notice_and_its_channel_names_fit(subject: Subject) -> None:
    for voice in (SNOWFLAKE, None):
        plan = SpacePlan(
            SNOWFLAKE, SNOWFLAKE, SNOWFLAKE - 1, SNOWFLAKE - 2, subject.name, START, START,
            SNOWFLAKE, with_voice=True, moderator_role_id=SNOWFLAKE, moderators_see=True,
            recording_allowed=voice is None,
        )  # fmt: skip
        embed, view = space_buttons.space_notice(plan, voice)
        assert_message_fits(embeds=[embed], view=view)
    thread = texts.SPACE_THREAD_NAME.format(booking=SNOWFLAKE, subject=subject.name)
    for name in (
        text_limits.clip(thread, text_limits.CHANNEL_NAME_MAX),  # as bot/adapters/spaces.py
        texts.SPACE_TEXT_CHANNEL_NAME.format(booking=SNOWFLAKE),
        texts.SPACE_VOICE_NAME.format(booking=SNOWFLAKE),
        texts.SPACES_CATEGORY,
        texts.SPACES_OVERFLOW_CATEGORY.format(n=10),
    ):
        _within_limits(limits.check_channel_name, {"name": name})


@WORST
@given(worst.survey_reason(), worst.display_name())
def test_the_survey_and_its_answers_fit(reason: str, name: str) -> None:
    assert_message_fits(embeds=[], view=survey.survey_view(SNOWFLAKE, SNOWFLAKE), content="x")
    assert_modal_fits(survey.SurveyReasonModal(SNOWFLAKE, SNOWFLAKE))
    response = SurveyResponse(SNOWFLAKE, SNOWFLAKE, Answer.NOT_HELPFUL, reason, NOW)
    hits = tuple(_hit(n, name) for n in range(survey_rules.SUGGESTIONS_SHOWN))
    for answered in (
        SurveyAnswered(response, suggests_tutors=True, suggestions=hits),
        SurveyAnswered(response, suggests_tutors=True),
        SurveyAnswered(response),
    ):
        assert_message_fits(survey.answered_text(answered))


# --- notes, reviews, disputes, reports, confirmations -----------------------------------------


@WORST
@given(worst.subject(), worst.note_texts())
def test_every_page_of_the_notes_card_and_its_forms_fit(
    subject: Subject, texts_: tuple[str, str, str]
) -> None:
    goals_text, note_text, template = texts_
    booking = worst.booking()
    pair = Pair(booking.guild_id, booking.student_id, booking.tutor_id)
    written = [
        ProgressNote(
            SNOWFLAKE - n, pair, SNOWFLAKE if n % 2 else None, pair.tutor_id, note_text, NOW
        )
        for n in range(NOTES_LOADED)
    ]
    goals = Goals(pair, goals_text, SNOWFLAKE, SNOWFLAKE, NOW)
    card = NotesCard(booking, subject.name, goals, written, SNOWFLAKE, template)
    pages = notes_presenter.note_pages(card)
    for page in range(len(pages)):
        embed = notes_presenter.notes_embed(card, page)
        assert_message_fits(embeds=[embed], view=notes.notes_view(card, page))
    assert notes_presenter.note_fields(written[0], pair.student_id)
    empty = replace(card, notes=[], total=0)
    assert_message_fits(embeds=[notes_presenter.notes_embed(empty)], view=notes.notes_view(empty))
    assert_modal_fits(notes.GoalsModal(SNOWFLAKE, card))
    assert_modal_fits(notes.NoteModal(SNOWFLAKE, card))
    prompt = TemplatePrompt(subject.key, subject.name, template)
    assert_modal_fits(notes.TemplateModal(SNOWFLAKE, prompt))


@WORST
@given(worst.review_texts())
def test_reviews_and_their_forms_fit_with_the_longest_comment_and_reply(
    comment_reply: tuple[str, str],
) -> None:
    for about in (Party.TUTOR, Party.STUDENT):
        review = worst.review(about, *comment_reply)
        view = discord.ui.View(timeout=None)
        view.add_item(reviews.ReplyButton(SNOWFLAKE, SNOWFLAKE))
        view.add_item(reviews.LeaveReviewButton(SNOWFLAKE, SNOWFLAKE))
        assert_message_fits(embeds=[reviews_presenter.review_embed(review)], view=view)
        for own in (review, None):
            prompt = ReviewPrompt(worst.booking(), about, own, review, NOW, writable=True)
            assert_modal_fits(reviews.ReviewModal(SNOWFLAKE, prompt))
    assert_modal_fits(reviews.ReplyModal(SNOWFLAKE, SNOWFLAKE))
    assert reviews_presenter.stars_text(5) == "★★★★★"
    assert reviews_presenter.rating_line(None, 0) is None
    assert reviews_presenter.student_standing_line({"student_reviews": "x"}) is None


def test_the_dispute_and_report_forms_and_the_confirmations_fit() -> None:
    assert_modal_fits(disputes.DisputeModal(SNOWFLAKE, SNOWFLAKE))
    assert_modal_fits(report.ReportModal(SNOWFLAKE, SNOWFLAKE, SNOWFLAKE))
    assert_modal_fits(report.ReportModal(SNOWFLAKE, SNOWFLAKE))
    view = discord.ui.View(timeout=None)
    view.add_item(report.ReportSessionButton(SNOWFLAKE, SNOWFLAKE))
    view.add_item(space_buttons.AgreeButton(SNOWFLAKE, SNOWFLAKE))
    for answer in ("accept", "decline"):
        for what in ("booking", "resched"):
            view.add_item(booking_buttons.AnswerButton(what, answer, SNOWFLAKE, SNOWFLAKE))
    assert_message_fits("x", view=view)
    for key in ("time", "privacy", "cancel", "avail"):
        assert_message_fits("x", view=confirm.ConfirmView(1, _never, key=key, back_label="Keep"))
    assert_message_fits(
        "x", view=pay.link_view(texts.PAY_LABEL, "https://example.com/" + "x" * 200)
    )
    notes_page = notes.NotesPageButton(SNOWFLAKE, SNOWFLAKE, NOTES_LOADED, older=True)
    paged = discord.ui.View(timeout=None)
    paged.add_item(notes_page)
    assert_message_fits("x", view=paged)


# --- admin -----------------------------------------------------------------------------------


def test_the_config_card_fits_with_the_longest_lists_an_admin_can_set() -> None:
    longest = tuple(str(10**18 + n) for n in range(50))  # 1,000 characters, the input cap
    policy = replace(
        GuildPolicy(),
        languages=longest,
        allowed_email_domains=tuple(f"{'d' * 60}.example.edu" for _ in range(14)),
        verification_required_subjects=longest,
        allowed_durations_minutes=tuple(range(15, 15 * 60, 15)),
        reminder_offsets_minutes=tuple(range(1, 1000, 7)),
        moderator_role=SNOWFLAKE,
        sessions_channel=SNOWFLAKE,
    )
    for payments in (True, False):
        embed = admin.config_embed(GuildConfig(policy, payments))
        assert_message_fits(embeds=[embed])
    assert admin.setting_value_text("languages", ()) == texts.NOT_SET


def test_the_stats_card_fits_with_the_biggest_numbers_and_many_currencies() -> None:
    big = 10**15
    figures = {
        name: (0.999 if "rate" in name or "share" in name else big)
        for name in GuildStats.__dataclass_fields__
    }
    figures["average_rating"], figures["median_resolve_hours"] = 4.99, 1e9
    figures["money"] = tuple(MoneyTotals(c, big, big, big) for c in ("EUR", "USD", "JPY", "ISK"))
    report_ = StatsReport(
        Period.QUARTER, Window(NOW, NOW), GuildStats(**figures), DaySeries((), (), (), ()), True
    )
    assert_message_fits(embeds=[stats.stats_embed(report_)])
    assert_message_fits(embeds=[stats.stats_embed(replace(report_, paid=False))])
    assert stats.percent(None) == stats.NA
    assert stats.duration(None) == stats.NA
    demand = tuple(SubjectDemand("x" * 80, 10**12, 10**12) for _ in range(5))
    weekly = WeeklyReport(SNOWFLAKE, SNOWFLAKE, report_, demand, demand)
    assert_message_fits(embeds=[weekly_presenter.report_embed(weekly)])
    quiet = WeeklyReport(SNOWFLAKE, SNOWFLAKE, report_, (), ())
    assert_message_fits(embeds=[weekly_presenter.report_embed(quiet)])
    assert stats.chart_filename(report_).endswith(".png")


def test_the_referrals_card_fits_with_the_most_referrals_and_the_biggest_credit() -> None:
    biggest = Money(10**15, "EUR")
    statuses = list(ReferralStatus)
    made = [
        Referral(n, SNOWFLAKE, SNOWFLAKE, SNOWFLAKE - n, statuses[n % len(statuses)], NOW,
                 booking_id=SNOWFLAKE, credit=biggest if n % 2 else None)
        for n in range(referral_service.LIST_CAP)
    ]  # fmt: skip
    counts = dict.fromkeys(ReferralStatus, 10**12)
    many = [Money(10**15, c) for c in ("EUR", "USD", "JPY", "ISK")]
    for reward in (biggest, None):
        view = referral_service.ReferralOverview(
            made, counts, many, SNOWFLAKE, reward, 365, 720, "en"
        )
        assert_message_fits(embeds=[referrals_presenter.referrals_embed(view)])
    empty = referral_service.ReferralOverview([], {}, [], None, None, 14, 48, "en")
    assert_message_fits(embeds=[referrals_presenter.referrals_embed(empty)])


# --- drop-in hours and weekly series -------------------------------------------------------


@WORST
@given(worst.subject())
def test_the_queue_message_and_a_series_question_fit_at_their_largest(subject: Subject) -> None:
    tutors = tuple(SNOWFLAKE - n for n in range(60))
    hours = DropInHours(
        SNOWFLAKE, SNOWFLAKE, subject.key, SNOWFLAKE, SNOWFLAKE, NOW, NOW, tutors, SNOWFLAKE
    )
    helping = tuple((tutor, SNOWFLAKE - 100 - n) for n, tutor in enumerate(tutors))
    board = QueueBoard(hours, subject.name, helping, 10**6, 10**7, closed=False)
    assert_message_fits(
        embeds=[dropin_presenter.board_embed(board)], view=queue_buttons.board_view(board)
    )
    ended = replace(board, closed=True)
    assert_message_fits(embeds=[dropin_presenter.board_embed(ended)])
    assert queue_buttons.board_view(ended) is None
    visit = Visit(SNOWFLAKE, SNOWFLAKE, SNOWFLAKE, SNOWFLAKE, "x" * 200, NOW, NOW)
    for place in (
        QueuePlace(visit, subject.name, 10**6, 10**7),
        QueuePlace(visit, subject.name, 0, 0, SNOWFLAKE),
    ):
        assert_message_fits(dropin_presenter.place_text(place))
    weeks = [
        PlannedWeek(SeriesWeek(n, START + timedelta(weeks=n)), ConflictError("student_busy"))
        for n in range(15)
    ]
    plan = SeriesPlan((*weeks, PlannedWeek(SeriesWeek(15, None, DST_GAP))))
    question = series_presenter.plan_text(plan, 240, SNOWFLAKE, SNOWFLAKE)
    assert_message_fits(question, view=series_buttons.series_request_view(SNOWFLAKE, SNOWFLAKE))
    picker = find_results.BookingPicker(SNOWFLAKE, NO_SERVICES, SNOWFLAKE)
    picker.starts = [START]
    picker.add_item(find_results.SlotSelect(picker))
    picker.add_item(find_results.RepeatSelect(picker))
    picker.add_item(find_results.ConfirmBookingButton(picker))
    assert_message_fits(picker.text(), view=picker)
    assert stats.minutes(None) == stats.NA


# --- group sessions ---------------------------------------------------------------------------


def test_the_group_list_its_buttons_and_the_group_dms_fit_at_their_largest() -> None:
    price = Money(10**12, "USD")
    listed = [
        ListedGroup(
            GroupSession(
                SNOWFLAKE - n, SNOWFLAKE, SNOWFLAKE, "x" * 80, "T" * 80, START, START, 25, 25,
                NOW, level="L" * 40, price=price,
            ),
            SeatCount(25, 25 if n % 2 else 0, 0),
            10**6,
        )
        for n in range(groups_service.LIST_LIMIT)
    ]  # fmt: skip
    lines = [groups_presenter.group_line(item) for item in listed]
    assert_message_fits(
        texts.FIND_GROUPS_LINE.format(count=10**6),
        embeds=[groups_presenter.group_list_embed(lines)],
        view=group_buttons.groups_view(listed),
    )
    assert group_buttons.groups_view([]) is None
    assert_message_fits(embeds=[groups_presenter.group_list_embed([])])
    details = GroupDetails(str(SNOWFLAKE), "T" * 80, "1767000000", "1767000000", "too_few")
    for body in (
        groups_presenter.seat_offered_body(details),
        groups_presenter.group_cancelled_body(details),
        groups_presenter.group_cancelled_body(replace(details, reason="tutor")),
    ):
        assert_message_fits(body, view=group_buttons.claim_view(SNOWFLAKE, SNOWFLAKE))


# --- the helper itself, and that nothing was left out ------------------------------------------


@given(st.lists(st.text(worst.WIDE, max_size=120), max_size=60), st.integers(1, 3000))
@settings(max_examples=60, deadline=None)
def test_fitted_lists_never_pass_their_limit_and_count_what_they_leave_out(
    items: list[str], limit: int
) -> None:
    for sep in (", ", "\n"):
        kept = text_limits.kept_items(items, limit, sep)
        assert len(sep.join(kept)) <= limit
        if kept != items and kept:
            shown = kept[:-1]
            assert shown == items[: len(shown)]
            assert kept[-1].startswith("…")
    pages = text_limits.paged_lines(items, page_max=min(limit, 4096), total_max=limit)
    assert all(len(p) <= min(limit, 4096) for p in pages)
    assert sum(map(len, pages)) <= limit


def test_prefills_fit_their_field() -> None:
    assert text_limits.prefill("x" * 30, max_length=20) == "x" * 20
    assert text_limits.prefill("", max_length=20) is None
    assert text_limits.prefill("ab", max_length=20, min_length=3) is None
    assert text_limits.clip("abcdef", 4) == "abc…"


PRESENTERS = (
    admin, availability, bookings, case_file, dropin_presenter, flags, moderation,
    notes_presenter, notices, onboarding, profiles, referrals_presenter, requests,
    reviews_presenter, series_presenter, stats, weekly_presenter, groups_presenter,
)  # fmt: skip
FLOWS = (
    base, booking_buttons, booking_list, booking_manage, case_buttons, confirm, disputes,
    find_results, flag_buttons, notes, pay, profile_edit, queue_buttons, report, reviews,
    series_buttons, space_buttons, start_wizard, survey, tutor_apply, verify_email,
    verify_request, group_buttons,
)  # fmt: skip
# Rendered above, or (the bases) only through their subclasses. `bookings_view` asks the
# services which buttons apply; its fullest rows are built from the same buttons above.
COVERED = {
    "setting_value_text", "config_embed", "draft_lines", "days_label", "weekly_lines",
    "rule_text", "entry_text", "availability_embeds", "entry_choices", "ts",
    "cancellation_text", "payment_label", "booking_line", "bookings_embed", "hit_line",
    "results_embed", "is_live", "can_mark_complete", "booked_text", "booking_choices",
    "counterpart", "action_name", "queue_embed", "history_embed", "booking_choice_label",
    "restriction_line", "series_groups",
    "restricted_text", "dispute_decided_text", "note_fields", "note_pages", "notes_embed",
    "when_line", "render_notice", "ics_file", "restriction_until", "restriction_notice_embed",
    "account_notice_embed", "verification_level_name", "verification_notice_embed",
    "checklist_lines", "onboarded_embed", "help_embed", "sessions_line", "profile_embed",
    "stars_text", "review_embed", "rating_line", "student_standing_line", "percent",
    "duration", "stats_embed", "chart_filename", "stats_chart_file", "offense_line",
    "screening_warning_embed", "flags_embed", "flags_view", "EnterCodeModal", "EnterCodeButton",
    "enter_code_view", "DismissFlagButton", "WarnFlagButton", "RestrictFlagButton",
    "VerifyRequestModal", "RejectReasonModal", "ApproveRequestButton", "RejectRequestButton",
    "requests_view", "open_request_form", "requests_embed", "file_line", "case_file_embed",
    "session_log_file",
    # flows
    "OwnedView", "SafeModal", "PersistentButton", "RecordButton", "NumberedButton", "KeepSelect",
    "label_options", "bio_field", "open_form",
    "services_of", "AnswerButton",
    "ManageButton", "MarkCompleteButton", "CheckInButton", "space_link", "notice_view",
    "bookings_view", "RescheduleModal", "ask_new_time", "confirm_cancellation",
    "reschedule_and_reply", "ResolveCaseModal", "resolved_text", "ResolveCaseButton",
    "queue_view", "ConfirmView", "Answer", "DisputeModal", "open_dispute_form",
    "OpenDisputeButton", "ResultsView", "BookButton", "PageButton", "BookingPicker",
    "DurationSelect", "SlotSelect", "ConfirmBookingButton", "notes_view", "show_notes",
    "GoalsModal", "NoteModal", "EditGoalsButton", "AddNoteButton", "NotesPageButton",
    "TemplateModal", "open_template_form", "link_button", "link_view", "awaits_payment",
    "pay_url", "booked_answer", "ProfileEditModal", "ReportModal", "ReportProfileButton",
    "ReportSessionButton", "ReviewModal", "open_review_flow", "LeaveReviewButton",
    "ReplyModal", "ReplyButton", "space_notice", "spaces_of", "AgreeButton", "StartView",
    "RoleSelect", "ZoneSelect", "SubjectSelect", "LevelSelect", "OtherZoneButton",
    "ZoneModal", "SaveButton", "answered_text", "SurveyReasonModal", "SurveyButton",
    "survey_view", "ApplyDraft", "TutorApplyView", "TeachSubjectsSelect", "TeachLevelSelect",
    "FormatsSelect", "InstantSelect", "ContinueButton", "TutorApplyModal", "RenderedNotice",
    "BookingModal", "paragraph",  # flows.base, only through their subclasses and callers
    "board_embed", "place_text", "board_view", "hours_view", "NextButton", "SkipButton",
    "DoneButton", "plan_text", "series_question", "series_request_view",
    "SeriesAcceptButton", "SeriesDeclineButton", "RepeatSelect", "minutes", "report_embed",
    "group_line", "group_list_embed", "seat_offered_body", "group_cancelled_body",
    "groups_view", "claim_view", "group_button", "seat_reply", "GroupJoinButton",
    "GroupWaitlistButton", "ClaimSeatButton",
    "SeriesPayButton", "series_pay_view",
    "move_text", "move_question", "series_move_view", "SeriesMoveAcceptButton",
    "SeriesMoveDeclineButton",
    "referral_body", "referrals_embed", "referral_line", "status_text",
}  # fmt: skip


def _public(module: Any) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == module.__name__
        and callable(value)
    }


def test_every_presenter_and_every_form_is_tried_here() -> None:
    missing = set().union(*(_public(m) for m in (*PRESENTERS, *FLOWS))) - COVERED
    assert not missing, f"render these with worst-case inputs above: {sorted(missing)}"
