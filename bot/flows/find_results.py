"""`/find` results: pages of tutors, each with a Book button, and the booking picker."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot import texts
from bot.actors import actor_of
from bot.flows.base import OwnedView
from bot.flows.pay import booked_answer
from bot.flows.series_buttons import series_question
from bot.formats import SHORT_DAY_TIME, format_moment
from bot.presenters.bookings import results_embed, ts
from bot.presenters.text_limits import BUTTON_LABEL_MAX, SELECT_PLACEHOLDER_MAX, clip
from marketplace.domain.series import MAX_WEEKS, MIN_WEEKS
from marketplace.services import booking_views, bookings, onboarding, series
from marketplace.services.context import ServiceContext
from marketplace.services.search import SearchResults, TutorHit

DEFAULT_MINUTES = 60


class ResultsView(OwnedView):
    """One page of results; Prev / Next page through them."""

    def __init__(
        self,
        owner_id: int,
        ctx: ServiceContext,
        results: SearchResults,
        page: int = 0,
    ) -> None:
        super().__init__(owner_id)
        self.ctx, self.results, self.page = ctx, results, page
        self._build()

    def embed(self) -> discord.Embed:
        """The current page."""
        return results_embed(self.results, self.page)

    def _build(self) -> None:
        self.clear_items()
        offset = self.page * len(self.results.page(0))
        for row, hit in enumerate(self.results.page(self.page)):
            self.add_item(
                discord.ui.Button(
                    label=clip(f"{offset + row + 1}. {hit.name}", BUTTON_LABEL_MAX),
                    disabled=True,
                    style=discord.ButtonStyle.secondary,
                    row=row,
                    custom_id=f"find:name:{hit.tutor_id}",
                )
            )
            self.add_item(BookButton(self, hit, row))
        if self.results.pages > 1:
            self.add_item(PageButton(self, -1))
            self.add_item(PageButton(self, +1))


class BookButton(discord.ui.Button[ResultsView]):
    """Opens the booking picker for one tutor."""

    def __init__(self, results: ResultsView, hit: TutorHit, row: int) -> None:
        self.results, self.tutor_id = results, hit.tutor_id
        self.accepting_payments = hit.accepting_payments
        style = discord.ButtonStyle.primary if hit.accepting_payments else discord.ButtonStyle.grey
        super().__init__(
            label=texts.BOOK_LABEL,
            style=style,
            row=row,
            custom_id=f"find:book:{hit.tutor_id}",
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the tutor's open times (or say they can't take paid bookings yet)."""
        if not self.accepting_payments:
            message = texts.CONFLICTS["tutor_not_accepting_payments"]
            await interaction.response.send_message(message, ephemeral=True)
            return
        picker = BookingPicker(interaction.user.id, self.results.ctx, self.tutor_id)
        await picker.load(interaction, DEFAULT_MINUTES)
        await interaction.response.send_message(picker.text(), view=picker, ephemeral=True)


class PageButton(discord.ui.Button[ResultsView]):
    """Previous or next page."""

    def __init__(self, results: ResultsView, step: int) -> None:
        self.results, self.step = results, step
        last = results.results.pages - 1
        super().__init__(
            label=texts.PREV_PAGE_LABEL if step < 0 else texts.NEXT_PAGE_LABEL,
            style=discord.ButtonStyle.secondary,
            row=4,
            custom_id=f"find:page:{step}",
            disabled=(results.page == 0) if step < 0 else (results.page >= last),
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Turn the page."""
        view = self.results
        view.page = max(0, min(view.results.pages - 1, view.page + self.step))
        view._build()
        await interaction.response.edit_message(embed=view.embed(), view=view)


class BookingPicker(OwnedView):
    """Pick a length and an open time, then Confirm."""

    def __init__(self, owner_id: int, ctx: ServiceContext, tutor_id: int) -> None:
        super().__init__(owner_id)
        self.ctx, self.tutor_id = ctx, tutor_id
        self.minutes = DEFAULT_MINUTES
        self.starts: list[datetime] = []
        self.chosen: datetime | None = None
        self.days = booking_views.PICKER_DAYS
        self.zone = "UTC"
        self.weeks = 1  # 1: just once; 2-16: a weekly series

    def text(self) -> str:
        """The picker's prompt."""
        if not self.starts:
            return texts.BOOK_NO_SLOTS.format(tutor=self.tutor_id, days=self.days)
        return texts.BOOK_PICK_INTRO.format(tutor=self.tutor_id)

    async def load(self, interaction: discord.Interaction, minutes: int) -> None:
        """Fetch open times for `minutes` and rebuild the selects."""
        actor = actor_of(interaction)
        durations = await booking_views.allowed_durations(actor.guild_id, self.ctx)
        self.minutes = minutes if minutes in durations else durations[0]
        wanted = booking_views.OpenTimes(actor, self.tutor_id, self.minutes)
        self.starts = await booking_views.open_times(wanted, self.ctx)
        self.zone = await onboarding.current_timezone(actor.user_id, self.ctx) or "UTC"
        self.chosen = None
        self.clear_items()
        self.add_item(DurationSelect(self, durations))
        if self.starts:
            self.add_item(SlotSelect(self))
            self.add_item(RepeatSelect(self))
            self.add_item(ConfirmBookingButton(self))


class DurationSelect(discord.ui.Select[BookingPicker]):
    """30, 60 or 90 minutes (whatever the guild offers)."""

    def __init__(self, picker: BookingPicker, durations: tuple[int, ...]) -> None:
        self.picker = picker
        options = [
            discord.SelectOption(
                label=texts.BOOK_DURATION_LABEL.format(minutes=m),
                value=str(m),
                default=m == picker.minutes,
            )
            for m in durations
        ]
        super().__init__(
            custom_id="book:duration",
            placeholder=texts.DURATION_PLACEHOLDER,
            options=options,
            row=0,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Reload the open times for the new length."""
        await self.picker.load(interaction, int(self.values[0]))
        await interaction.response.edit_message(content=self.picker.text(), view=self.picker)


class SlotSelect(discord.ui.Select[BookingPicker]):
    """The tutor's next open start times, shown in each reader's own time zone."""

    def __init__(self, picker: BookingPicker) -> None:
        self.picker = picker
        zone = ZoneInfo(picker.zone)
        options = [
            discord.SelectOption(
                label=format_moment(s.astimezone(zone), SHORT_DAY_TIME), value=str(ts(s))
            )
            for s in picker.starts
        ]
        super().__init__(
            custom_id="book:slot",
            placeholder=clip(
                texts.OPEN_TIMES_PLACEHOLDER.format(zone=picker.zone), SELECT_PLACEHOLDER_MAX
            ),
            options=options,
            row=1,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Remember the time and echo it back as a local-time stamp."""
        chosen = next(s for s in self.picker.starts if str(ts(s)) == self.values[0])
        self.picker.chosen = chosen
        await interaction.response.send_message(
            texts.BOOK_PICKED.format(start=ts(chosen)), ephemeral=True
        )


class RepeatSelect(discord.ui.Select[BookingPicker]):
    """Repeat weekly: just once, or the same time for 2-16 weeks (a series)."""

    def __init__(self, picker: BookingPicker) -> None:
        self.picker = picker
        options = [
            discord.SelectOption(label=texts.REPEAT_ONCE, value="1", default=picker.weeks == 1),
            *(
                discord.SelectOption(
                    label=texts.REPEAT_WEEKS.format(weeks=weeks),
                    value=str(weeks),
                    default=picker.weeks == weeks,
                )
                for weeks in range(MIN_WEEKS, MAX_WEEKS + 1)
            ),
        ]
        super().__init__(
            custom_id="book:repeat", placeholder=texts.REPEAT_PLACEHOLDER, options=options, row=2
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Remember how many weeks; Confirm lists them."""
        self.picker.weeks = int(self.values[0])
        await interaction.response.defer()


class ConfirmBookingButton(discord.ui.Button[BookingPicker]):
    """Sends the request (or books at once with instant booking)."""

    def __init__(self, picker: BookingPicker) -> None:
        self.picker = picker
        super().__init__(
            label=texts.CONFIRM_LABEL,
            style=discord.ButtonStyle.success,
            row=3,
            custom_id="book:confirm",
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Book the chosen time."""
        picker = self.picker
        if picker.chosen is None:
            await interaction.response.send_message(texts.BOOK_PICK_FIRST, ephemeral=True)
            return
        actor = actor_of(interaction)
        cmd = bookings.BookSession(
            actor, picker.tutor_id, picker.minutes, start=picker.chosen,
            channel_id=interaction.channel_id,
        )  # fmt: skip
        if picker.weeks > 1:
            prompt, asked = await series_question(
                series.BookSeries(cmd, picker.weeks), picker.tutor_id, picker.ctx
            )
            picker.stop()
            await interaction.response.edit_message(content=prompt, view=asked)
            return
        booking = await bookings.book(cmd, picker.ctx)
        answer = await booked_answer(booking, actor, picker.ctx)
        picker.stop()
        await interaction.response.edit_message(content=answer.text, view=answer.view)
