"""The complete server-side model that REST handlers operate on."""

from __future__ import annotations

from discord_emulator.ops_channels import ChannelOps


class Backend(ChannelOps):
    """Everything the REST layer and gateway need; the harness `Emulator` extends this."""
