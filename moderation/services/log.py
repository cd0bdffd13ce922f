"""The moderation log's one writer: every decision appends its row inside the decision's transaction."""

from forum.lib.people import member_or_none
from forum.models import Comment, Post, PostSection
from moderation.models import Ban, ModerationLogEntry, PersonNote, Sanction
from moderation.services.notices import Recipient, notify_author


def log_action(
    *,
    action: str,
    moderator=None,
    comment: Comment | None = None,
    section: PostSection | None = None,
    post: Post | None = None,
    ban: Ban | None = None,
    sanction: Sanction | None = None,
    note_about: PersonNote | None = None,
    reason: str = "",
    note: str = "",
    note_to_author: str = "",
    detail: str = "",
    recipients: list[Recipient] | None = None,
) -> ModerationLogEntry:
    """Append one entry to the moderation log, and tell the author when they should hear of it (their
    private notice); call it inside the action's transaction. `recipients` name who is told when the
    decision's target can no longer say (an erased comment, an appeal's answer)."""
    entry = ModerationLogEntry(
        action=action,
        moderator=member_or_none(moderator),
        comment=comment,
        section=section,
        post=post,
        ban=ban,
        sanction=sanction,
        note=note_about,
        reason=reason.strip(),
        private_note=note.strip(),
        note_to_author=note_to_author.strip(),
        detail=detail,
    )
    entry.full_clean()
    entry.save()
    notify_author(entry, recipients=recipients)
    return entry
