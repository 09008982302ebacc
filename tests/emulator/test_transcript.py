from __future__ import annotations


async def test_transcript_reads_like_a_chat_log(campus):
    emu, alice = campus.emu, campus.alice
    await emu.slash(alice, campus.guild, "profile view", user=campus.bob)
    r = await emu.slash(alice, campus.guild, "echo", text="psst", secret=True)
    panel = (await emu.slash(alice, campus.guild, "panel")).message
    await emu.click(alice, panel, label="Ping")
    await emu.select(alice, panel, custom_id="panel:subject", values=["Math"])
    modal = (await emu.slash(alice, campus.guild, "feedback")).modal
    await emu.submit_modal(alice, modal, {"Rating": "5"})
    log = emu.format_transcript()
    lines = log.splitlines()
    assert "[#general]  alice ▸ /profile view user:bob" in lines
    assert "[#general]  TutorBot ▸ ┃ Profile of bob" in lines
    assert "[#general]  TutorBot ▸ (only you) psst" in lines
    assert "[#general]  alice ▸ clicked [Ping]" in lines
    assert "[#general]  alice ▸ chose Math in [▾ Pick subjects]" in lines
    assert any(
        line.endswith("TutorBot ▸ (only you) opens ⧉ Session feedback: <Rating>, <Comment>")
        for line in lines
    )
    assert "[#general]  alice ▸ submitted ⧉ Session feedback: Rating=5" in lines
    assert "[Ping] [Feedback] [Slow] [Accept]" in log
    assert r.message.text == "psst"
    entry = emu.transcript[-1]
    assert entry.who == "TutorBot"
    assert entry.ephemeral
