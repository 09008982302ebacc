"""Moved: Actor is in actor.py, each command beside its use case (goes once unused)."""

from __future__ import annotations

from marketplace.services.actor import Actor
from marketplace.services.guild_admin import ChangeSetting
from marketplace.services.onboarding import StartOnboarding
from marketplace.services.profiles import ApplyAsTutor, EditProfile

__all__ = ["Actor", "ApplyAsTutor", "ChangeSetting", "EditProfile", "StartOnboarding"]
