from __future__ import annotations


async def test_ping(campus):
    emu = campus.emu
    r = await emu.slash(campus.alice, campus.guild, "ping")
    assert r.kind == "message"
    assert r.message.content == "pong"
    print(emu.format_transcript())
    assert not emu.unexpected_errors
