"""The words of the emails TutorBot sends (the bot's own words live in bot/texts)."""

from __future__ import annotations

CODE_SUBJECT = "Your TutorBot code for {guild}: {code}"
CODE_BODY = """\
Hi,

Your code to verify this address on {guild} is:

    {code}

Enter it with the Enter code button under /verify email. It works for {minutes} minutes.

If you didn't ask for this, you can ignore this email: nothing changes without the code.

TutorBot
"""
