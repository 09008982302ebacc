"""A local Discord emulator for running the real discord.py client in tests and demos.

The emulator is an aiohttp server speaking enough of Discord's REST API v10 and Gateway v10
(JSON, uncompressed) for an unmodified ``discord.ext.commands.Bot`` with app commands, Views,
Modals and DynamicItems.  It also offers a harness API to act as users and read back
everything the bot did (see :class:`Emulator`).

Pointing discord.py at the emulator
-----------------------------------
Two class attributes must be overridden before the client starts (``point_discord_py_at``
does both and is idempotent):

* ``discord.http.Route.BASE`` — the full REST base including ``/api/v10``.  Every REST call
  *and* every interaction webhook call (callbacks, followups, ``@original`` edits; see
  ``discord/webhook/async_.py``, which imports the same ``Route``) is built from it when the
  ``Route`` object is created, so it must be set before the bot logs in.
* ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` — a ``yarl.URL`` of the gateway
  (``ws://127.0.0.1:PORT/gateway``).  discord.py appends ``?v=10&encoding=json&compress=
  zlib-stream`` (or ``zstd-stream``); the emulator ignores ``compress`` and sends text
  frames, which discord.py accepts uncompressed.  After READY the client uses
  ``resume_gateway_url``, which the emulator sets to the same URL.

Nothing else is needed: ``Client.connect`` does not call ``GET /gateway/bot`` (the
AutoShardedClient does; the emulator serves it too).
"""

from __future__ import annotations

from discord_emulator.errors import DiscordAPIError
from discord_emulator.harness import Emulator
from discord_emulator.models import (
    Attachment,
    Channel,
    ChannelType,
    ErrorRecord,
    Guild,
    InteractionResult,
    Member,
    Message,
    Modal,
    ModalField,
    Overwrite,
    Role,
    TranscriptEntry,
    User,
)
from discord_emulator.pointing import point_discord_py_at
from discord_emulator.shards import shard_of

__all__ = [
    "Attachment",
    "Channel",
    "ChannelType",
    "DiscordAPIError",
    "Emulator",
    "ErrorRecord",
    "Guild",
    "InteractionResult",
    "Member",
    "Message",
    "Modal",
    "ModalField",
    "Overwrite",
    "Role",
    "TranscriptEntry",
    "User",
    "point_discord_py_at",
    "shard_of",
]
