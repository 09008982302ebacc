"""The cancellation and refund policy in words.

The checkout pages show these sentences, and a card dispute's evidence quotes the same
ones to the student's bank.
"""

from __future__ import annotations

from marketplace.domain.policy import GuildPolicy


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def cancellation_policy_lines(p: GuildPolicy) -> list[str]:
    """One sentence per rule, in the order the checkout page lists them."""
    return [
        f"You cancel {_count(p.full_refund_notice_hours, 'hour')} or more before the start: "
        "full refund.",
        f"You cancel later than that: {p.late_cancel_refund_percent}% of the total back, and "
        f"the tutor gets {p.late_cancel_tutor_share_percent}% of their rate.",
        "You cancel after the start, or don't come: no refund.",
        "The tutor cancels, or doesn't show up: full refund.",
        f"The tutor starts more than {_count(p.no_show_after_minutes, 'minute')} late: "
        f"{p.late_start_refund_percent}% of the total back.",
        "Something else went wrong? Tell a moderator of your server within "
        f"{_count(p.dispute_window_hours, 'hour')} after the session ends, before the tutor "
        "is paid.",
    ]
