"""The bot's own list of open forms: what it answers a late submission by."""

from __future__ import annotations

from bot.flows.base import SafeModal
from bot.flows.open_forms import OpenForms
from tests.bot.journeys import onboard


async def test_a_form_is_listed_while_open_and_leaves_the_list_once_sent(campus) -> None:
    c = campus
    await onboard(c, c.student, "student", ["calculus"])
    modal = (await c.emu.slash(c.student, c.guild, "profile edit")).modal
    assert c.bot.open_forms.is_open(modal.custom_id)
    saved = await c.emu.submit_modal(c.student, modal, {"goals": "Pass the midterm"})
    assert "Saved" in saved.text
    assert not c.bot.open_forms.is_open(modal.custom_id)
    assert len(c.bot.open_forms) == 0


async def test_a_form_that_stopped_or_timed_out_is_no_longer_open() -> None:
    forms = OpenForms()
    stopped, timed_out = SafeModal(title="Stopped"), SafeModal(title="Timed out")
    for form in (stopped, timed_out):
        form.list_in(forms)
        assert forms.is_open(form.custom_id)
    stopped.stop()
    await timed_out.on_timeout()
    assert not forms.is_open(stopped.custom_id)
    assert len(forms) == 0


async def test_only_the_listed_form_itself_is_forgotten() -> None:
    forms = OpenForms()
    listed, other = SafeModal(title="Listed"), SafeModal(title="Other")
    other.custom_id = listed.custom_id
    listed.list_in(forms)
    forms.discard(other)
    assert forms.is_open(listed.custom_id)
