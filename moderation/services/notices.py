"""Telling authors what happened: a private notice for each decision on their words or on them, and dismissing it.

Notices are written by the moderation log's writer (moderation.services.log)
in the decision's transaction, so no decision an author should hear about can
skip them. Erasure by the author and account deletion take notices, appeal
texts and report texts away with the words (forget_words, forget_account).
"""

from django.db.models import Q
from django.utils import timezone

from forum.models import Comment
from moderation.models import Appeal, AuthorNotice, ModerationLogEntry, PersonLink, Report


class Recipient:
    """Who may read a notice: an account, a comment's removal key (its hash), a browser (its hash)."""

    def __init__(self, *, user_id: int | None = None, key_hash: str = "", device_hash: str = ""):
        self.user_id, self.key_hash, self.device_hash = user_id, key_hash, device_hash

    @classmethod
    def of_comment(cls, comment: Comment) -> "Recipient":
        return cls(user_id=comment.author_id, key_hash=comment.removal_key_hash)

    @property
    def is_nobody(self) -> bool:
        return self.user_id is None and not self.key_hash and not self.device_hash


def notify_author(entry: ModerationLogEntry, *, recipient: Recipient | None = None) -> AuthorNotice | None:
    """A notice of this decision for whoever it concerns, if the decision is one authors are told of."""
    if entry.action not in ModerationLogEntry.TOLD_TO_AUTHOR | ModerationLogEntry.APPEAL_ANSWERS:
        return None
    recipient = recipient or _recipient_of(entry)
    if recipient is None or recipient.is_nobody:
        return None
    return AuthorNotice.objects.create(
        entry=entry, user_id=recipient.user_id, key_hash=recipient.key_hash, device_hash=recipient.device_hash
    )


def _recipient_of(entry: ModerationLogEntry) -> Recipient | None:
    if entry.comment_id:
        return Recipient.of_comment(entry.comment)
    if entry.sanction_id:
        # Only the person's own account or browser: a shared address or a typed name is not them.
        links = dict(
            PersonLink.objects.filter(
                sanction_id=entry.sanction_id, kind__in=[PersonLink.Kind.ACCOUNT, PersonLink.Kind.DEVICE]
            ).values_list("kind", "value")
        )
        account = links.get(PersonLink.Kind.ACCOUNT)
        return Recipient(user_id=int(account) if account else None, device_hash=links.get(PersonLink.Kind.DEVICE, ""))
    if entry.ban_id and entry.ban.user_id:
        return Recipient(user_id=entry.ban.user_id)
    return None


def recipient_of_notices(entry: ModerationLogEntry) -> Recipient | None:
    """Whoever was told of a decision: the one to tell how their appeal of it was answered."""
    notice = entry.notices.order_by("pk").first()
    if notice is None:
        return None
    return Recipient(user_id=notice.user_id, key_hash=notice.key_hash, device_hash=notice.device_hash)


def notice_dismiss(*, notice: AuthorNotice) -> None:
    AuthorNotice.objects.filter(pk=notice.pk, dismissed_at__isnull=True).update(dismissed_at=timezone.now())


def forget_words(*, comment_ids: list[int], by_author: bool) -> None:
    """Words were erased: report texts about them go (they may quote them); when their author took
    them down, the notices and appeal texts about them go too."""
    Report.objects.filter(comment_id__in=comment_ids).exclude(details="").update(details="")
    if by_author:
        entries = ModerationLogEntry.objects.filter(comment_id__in=comment_ids)
        AuthorNotice.objects.filter(entry__in=entries).delete()
        Appeal.objects.filter(entry__in=entries).update(text="")
        Appeal.objects.filter(entry__in=entries).open().update(
            status=Appeal.Status.WITHDRAWN, answered_at=timezone.now()
        )


def forget_account(*, user_id: int) -> None:
    """An account is deleted: its appeal texts and the texts of its reports go; its notices go with the row."""
    told = AuthorNotice.objects.filter(user_id=user_id).values("entry_id")
    Appeal.objects.filter(Q(entry_id__in=told)).update(text="")
    Appeal.objects.filter(entry_id__in=told).open().update(status=Appeal.Status.WITHDRAWN, answered_at=timezone.now())
    Report.objects.filter(reporter_id=user_id).exclude(details="").update(details="")
