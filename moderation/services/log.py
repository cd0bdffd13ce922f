"""The moderation log's one writer: every decision appends its row inside the decision's transaction."""

from forum.lib.people import member_or_none
from forum.models import Comment, Post, PostSection
from moderation.models import Ban, ModerationLogEntry, PersonNote, Sanction


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
    detail: str = "",
) -> ModerationLogEntry:
    """Append one entry to the moderation log; call it inside the action's transaction."""
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
        detail=detail,
    )
    entry.full_clean()
    entry.save()
    return entry
