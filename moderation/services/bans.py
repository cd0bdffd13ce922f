"""Bans on the account, the typed name or the address behind a comment, and lifting them."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.names import name_skeleton
from forum.models import Comment
from moderation.commenters import person_of
from moderation.identity import Identity, address_hash
from moderation.models import Ban
from moderation.services.comments import comment_moderate
from moderation.services.log import log_action
from moderation.transitions import Action


def ban_create(
    *,
    kind: str,
    comment: Comment,
    moderator,
    days: int | None,
    reason: str = "",
    note: str = "",
    note_to_author: str = "",
    hide_all: bool = False,
) -> Ban:
    """Ban the account, the typed name or the address behind a comment, for `days` (None: until lifted).

    `hide_all` hides, in the same decision, every published comment of the person (moderation.commenters).
    """
    ban = Ban(
        kind=kind,
        reason=reason.strip(),
        created_by=moderator,
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    _aim(ban, at=comment)
    ban.full_clean()
    with transaction.atomic():
        ban.save()
        log_action(
            action=Action.BAN,
            moderator=moderator,
            ban=ban,
            reason=reason,
            note=note,
            note_to_author=note_to_author,
            detail=_duration(days),
        )
        if hide_all:
            _hide_all_of(comment, ban=ban, moderator=moderator)
    return ban


def _aim(ban: Ban, *, at: Comment) -> None:
    """Point the ban at the comment's account, typed name or address, as its kind says."""
    if ban.kind == Ban.Kind.ACCOUNT and at.author_id:
        ban.user = at.author
    elif ban.kind == Ban.Kind.NAME and at.author_name:
        ban.name_key, ban.name_shown = name_skeleton(at.author_name), at.author_name
    elif ban.kind == Ban.Kind.ADDRESS and at.ip_address:
        ban.address_hash = address_hash(at.ip_address)
    else:
        raise ValidationError(f"This comment has no {Ban.Kind(ban.kind).label.lower()} to ban.")


def hidden_with_note(ban: Ban) -> str:
    """The private note on each hide a ban's "hide every comment" made: how its reversal finds them."""
    return f"With ban {ban.pk}."


def _hide_all_of(comment: Comment, *, ban: Ban, moderator) -> None:
    """Hide the person's published comments: those of their account, names and browsers, never a whole network's.

    Each hide is logged with no public reason (the ban's reason is for the banned poster only) and a
    private note naming the ban.
    """
    person = person_of(comment)
    own = Identity(account_ids=person.account_ids, name_keys=person.name_keys, device_hashes=person.device_hashes)
    theirs = Comment.objects.filter(own.comments(), state=Comment.State.PUBLISHED).select_related("author")
    for published in theirs:
        comment_moderate(comment=published, action=Action.HIDE, moderator=moderator, note=hidden_with_note(ban))


def ban_lift(*, ban: Ban, moderator, reason: str = "") -> Ban:
    with transaction.atomic():
        current = Ban.objects.select_for_update().get(pk=ban.pk)
        if not current.is_active:
            raise ValidationError("This ban is no longer in force.")
        current.lifted_at = timezone.now()
        current.save(update_fields=["lifted_at"])
        log_action(action=Action.LIFT_BAN, moderator=moderator, ban=current, reason=reason)
    return current


def _duration(days: int | None) -> str:
    if not days:
        return "Until lifted"
    return "For 1 day" if days == 1 else f"For {days} days"
