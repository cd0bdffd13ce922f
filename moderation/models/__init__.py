"""What moderators work on and what they leave behind.

Removal requests and reader reports wait in the queue (queue); bans keep
posters out (bans); notes and sanctions concern people rather than comments
(people); watched words screen what is posted (words); the moderation log
records every decision and is never edited (log); authors are told of
decisions and may appeal them (notices); comments quoting erased words wait
for a moderator (quotes). The comment states
themselves live on forum.Comment.
"""

from moderation.models.bans import Ban
from moderation.models.log import NOTE_TO_AUTHOR_MAX_LENGTH, ModerationLogEntry
from moderation.models.notices import (
    APPEAL_MAX_LENGTH,
    DEFAULT_REASONS,
    Appeal,
    AuthorNotice,
    Reason,
)
from moderation.models.people import PersonLink, PersonNote, Sanction
from moderation.models.queue import (
    CONTACT_MAX_LENGTH,
    LOG_NOTE_MAX_LENGTH,
    LOG_REASON_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPORT_DETAILS_MAX_LENGTH,
    ModerationSettings,
    RemovalRequest,
    Report,
)
from moderation.models.quotes import QuoteFinding
from moderation.models.words import ScreeningHit, WatchedWord

__all__ = [
    "APPEAL_MAX_LENGTH",
    "DEFAULT_REASONS",
    "NOTE_TO_AUTHOR_MAX_LENGTH",
    "Appeal",
    "AuthorNotice",
    "QuoteFinding",
    "Reason",
    "CONTACT_MAX_LENGTH",
    "LOG_NOTE_MAX_LENGTH",
    "LOG_REASON_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "REPORT_DETAILS_MAX_LENGTH",
    "Ban",
    "ModerationLogEntry",
    "ModerationSettings",
    "PersonLink",
    "PersonNote",
    "RemovalRequest",
    "Report",
    "Sanction",
    "ScreeningHit",
    "WatchedWord",
]
