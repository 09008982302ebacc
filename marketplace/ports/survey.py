"""The survey port: at most one answer per booking per participant."""

from __future__ import annotations

from typing import Protocol

from marketplace.domain.survey import SurveyResponse


class SurveyRepository(Protocol):
    """Post-session survey answers."""

    async def add(self, response: SurveyResponse) -> bool:
        """Store the answer unless this person already answered; True if stored now."""
        ...

    async def of_booking(self, booking_id: int, user_id: int) -> SurveyResponse | None:
        """This person's answer about this booking, if they gave one."""
        ...
