from bot import texts
from tests.bot.test_notes import confirmed_session, notes_card, open_form, TEMPLATE

async def test_peek(campus):
    c = campus
    booking = await confirmed_session(c)
    card = await notes_card(c, c.student, booking.booking_id)
    print("\n=====\n", card.text)
    modal = await open_form(c, c.student, card, texts.NOTES_EDIT_GOALS_LABEL)
    saved = await c.emu.submit_modal(c.student, modal, {"notes:goals": "Pass the midterm\nGet confident with integrals"})
    print("\n=====", saved.kind, "\n", saved.text)
    modal = await open_form(c, c.student, card, texts.NOTES_ADD_LABEL)
    saved = await c.emu.submit_modal(c.student, modal, {"notes:text": "We did limits.\nNext: chain rule"})
    print("\n=====", saved.kind, "\n", saved.text)
    form = await c.emu.slash(c.tutor, c.guild, "notes-template", subject="calculus")
    print("\n=====\n", form.text)
    saved = await c.emu.submit_modal(c.tutor, form.modal, {"notes:template": TEMPLATE})
    print("\n=====\n", saved.text)
    h = await c.emu.slash(c.student, c.guild, "help")
    print("\n=====\n", h.text[-300:])
