"""What moderators work on and what they leave behind.

Removal requests and reader reports wait in the queue (queue); bans keep
posters out (bans); notes and sanctions concern people rather than comments
(people); watched words screen what is posted (words); the moderation log
records every decision and is never edited (log). The comment states
themselves live on forum.Comment.
"""

from moderation.models.bans import Ban
from moderation.models.log import ModerationLogEntry
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
from moderation.models.words import ScreeningHit, WatchedWord

__all__ = [
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
