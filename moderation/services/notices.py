"""Telling authors what happened: a private notice for each decision on their words or on them, and dismissing it.

Notices are written by the moderation log's writer (moderation.services.log)
in the decision's transaction, so no decision an author should hear about can
skip them. Erasure by the author and account deletion take notices, appeal
texts and report texts away with the words (forget_words, forget_account).
"""

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


def notify_author(entry: ModerationLogEntry, *, recipients: list[Recipient] | None = None) -> list[AuthorNotice]:
    """A notice of this decision for each of whoever it concerns, if the decision is one authors are told of."""
    if entry.action not in ModerationLogEntry.TOLD_TO_AUTHOR | ModerationLogEntry.APPEAL_ANSWERS:
        return []
    recipients = [r for r in (recipients if recipients is not None else _recipients_of(entry)) if not r.is_nobody]
    return AuthorNotice.objects.bulk_create(
        AuthorNotice(entry=entry, user_id=r.user_id, key_hash=r.key_hash, device_hash=r.device_hash) for r in recipients
    )


def _recipients_of(entry: ModerationLogEntry) -> list[Recipient]:
    if entry.comment_id:
        return [Recipient.of_comment(entry.comment)]
    if entry.sanction_id:
        # Only the person's own accounts and browsers, each told: a shared address or a typed name is not them.
        links = PersonLink.objects.filter(
            sanction_id=entry.sanction_id, kind__in=[PersonLink.Kind.ACCOUNT, PersonLink.Kind.DEVICE]
        ).values_list("kind", "value")
        return [
            Recipient(user_id=int(value)) if kind == PersonLink.Kind.ACCOUNT else Recipient(device_hash=value)
            for kind, value in links
        ]
    if entry.ban_id and entry.ban.user_id:
        return [Recipient(user_id=entry.ban.user_id)]
    return []


def recipients_of_notices(entry: ModerationLogEntry) -> list[Recipient]:
    """Whoever was told of a decision: the ones to tell how their appeal of it was answered."""
    return [
        Recipient(user_id=notice.user_id, key_hash=notice.key_hash, device_hash=notice.device_hash)
        for notice in entry.notices.order_by("pk")
    ]


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
    Appeal.objects.filter(entry_id__in=told).update(text="")
    Appeal.objects.filter(entry_id__in=told).open().update(status=Appeal.Status.WITHDRAWN, answered_at=timezone.now())
    Report.objects.filter(reporter_id=user_id).exclude(details="").update(details="")


def device_hashes_forget(*, before) -> int:
    """Notices told to a browser before `before` forget it, as comments do (FORUM_IDENTITY_RETENTION_DAYS);
    one told to nothing else goes. Returns how many notices changed."""
    old = AuthorNotice.objects.filter(created_at__lt=before).exclude(device_hash="")
    gone, _ = old.filter(user__isnull=True, key_hash="").delete()
    return gone + old.update(device_hash="")
