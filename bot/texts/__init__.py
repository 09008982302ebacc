"""Every sentence the bot says, in one place: one module per area, read as `texts.NAME`.

Keep replies short, friendly and specific: say what happened and what to do next.
Areas add their own entries to the shared tables (`CONFLICTS`, `ALREADY`, …) in
`common`; importing this package loads every area, so the tables are complete.
"""

from bot.texts.bookings import *  # noqa: F403
from bot.texts.common import *  # noqa: F403
from bot.texts.disputes import *  # noqa: F403
from bot.texts.dropin import *  # noqa: F403
from bot.texts.exports import *  # noqa: F403
from bot.texts.groups import *  # noqa: F403
from bot.texts.limits import *  # noqa: F403
from bot.texts.moderation import *  # noqa: F403
from bot.texts.notes import *  # noqa: F403
from bot.texts.onboarding import *  # noqa: F403
from bot.texts.payments import *  # noqa: F403
from bot.texts.people import *  # noqa: F403
from bot.texts.privacy import *  # noqa: F403
from bot.texts.profiles import *  # noqa: F403
from bot.texts.referrals import *  # noqa: F403
from bot.texts.reviews import *  # noqa: F403
from bot.texts.series import *  # noqa: F403
from bot.texts.sessions import *  # noqa: F403
from bot.texts.stats import *  # noqa: F403
from bot.texts.verification import *  # noqa: F403
