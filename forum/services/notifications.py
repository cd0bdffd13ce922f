"""Email members about replies they asked to hear about, in batches, off the request path.

- `comment_published(comment)` is called by the services that publish a comment
  (posting, a moderator's approval). It only writes rows: cheap, in the request.
- `send_pending_notifications()` sends what has waited long enough, one email
  per member however many replies arrived. `manage.py run_worker` runs it
  every minute (forum.ops.jobs); without a worker, `manage.py send_notifications`
  from cron does the same.
- Every email carries a one-click unsubscribe link signed for its member.

Notifications wait FORUM_NOTIFICATION_DELAY_MINUTES (the edit window by
default), so the email has the final words, and a comment removed or hidden
meanwhile is never sent at all.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from forum.models import Comment, Notification, Post, PostFollow, SiteSettings
from moderation.models import AuthorNotice

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "forum.services.notifications.unsubscribe"


def comment_published(comment: Comment) -> int:
    """Queue a notification for each member who asked to hear about this comment; not for its own author."""
    recipients: dict[int, str] = {}
    parent = comment.parent
    if parent is not None and parent.author_id and parent.author.email_on_replies:
        recipients[parent.author_id] = Notification.Reason.REPLY
    for user_id in PostFollow.objects.filter(post_id=comment.post_id).values_list("user_id", flat=True):
        recipients.setdefault(user_id, Notification.Reason.FOLLOWED_POST)
    recipients.pop(comment.author_id, None)
    rows = [
        Notification(recipient_id=user_id, comment=comment, reason=reason) for user_id, reason in recipients.items()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def post_follow(*, user, post: Post) -> None:
    PostFollow.objects.get_or_create(user=user, post=post)


def post_unfollow(*, user, post: Post) -> None:
    PostFollow.objects.filter(user=user, post=post).delete()


def unsubscribe_everything(*, user) -> None:
    """What the email's unsubscribe link does: no more reply emails, no followed posts, nothing waiting."""
    with transaction.atomic():
        type(user).objects.filter(pk=user.pk).update(email_on_replies=False, email_on_decisions=False)
        PostFollow.objects.filter(user=user).delete()
        Notification.objects.filter(recipient=user).unsent().delete()
        # The decisions stay on their standing page; they are just not emailed.
        AuthorNotice.objects.filter(user=user, emailed_at__isnull=True).update(emailed_at=timezone.now())


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_from_unsubscribe_token(token: str):
    """The member a link was made for, or None for a damaged or forged link."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


# A claim older than this is a worker that died mid-send: another run sends its rows.
CLAIM_SECONDS = 10 * 60


def send_pending_notifications(*, now=None) -> int:
    """Send each member one email with everything that has waited long enough: replies, and moderators'
    decisions about their words (moderation's AuthorNotice, with the reason). Returns emails sent.

    Rows are claimed (committed) before sending, so two runners at once never send the same
    rows; they are marked sent only once the mail server has taken the email. A failed send gives
    its rows back at once; a worker killed mid-send leaves them claimed, and a run CLAIM_SECONDS
    later sends them: never lost, and sent twice only if the kill fell between the mail server's
    answer and the mark.
    """
    now = now or timezone.now()
    ready_before = now - timedelta(minutes=settings.FORUM_NOTIFICATION_DELAY_MINUTES)
    claim_expired = now - timedelta(seconds=CLAIM_SECONDS)
    waiting = (
        Notification.objects.unsent()
        .filter(created_at__lte=ready_before)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=claim_expired))
    )
    told = AuthorNotice.objects.filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=claim_expired),
        user__isnull=False,
        emailed_at__isnull=True,
        created_at__lte=ready_before,
    )
    recipient_ids = sorted(
        set(waiting.values_list("recipient_id", flat=True).distinct()) | set(told.values_list("user_id", flat=True))
    )
    sent = 0
    for recipient_id in recipient_ids:
        ids, notice_ids = _claim(waiting.filter(recipient_id=recipient_id), told.filter(user_id=recipient_id), now)
        if ids or notice_ids:
            sent += _send_to(recipient_id, ids, notice_ids)
            # Sent, or nothing left to say: done with either way (a failed send gave them back).
            Notification.objects.filter(pk__in=ids, claimed_at=now).update(sent_at=timezone.now())
            AuthorNotice.objects.filter(pk__in=notice_ids, email_claimed_at=now).update(emailed_at=timezone.now())
    return sent


def _claim(waiting, told, now) -> tuple[list[int], list[int]]:
    """Take one member's waiting rows for this run, committed before anything is sent."""
    with transaction.atomic():
        # Rows another runner is claiming are skipped, not waited for (PostgreSQL; SQLite queues writers).
        ids = list(waiting.select_for_update(skip_locked=True).values_list("pk", flat=True))
        notice_ids = list(told.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(claimed_at=now)
        AuthorNotice.objects.filter(pk__in=notice_ids).update(email_claimed_at=now)
    return ids, notice_ids


def _send_to(recipient_id: int, ids: list[int], notice_ids: list[int]) -> int:
    """Send one member's claimed rows as one email; 1 if an email went, 0 if nothing was left to say.
    A failed send gives the rows back for the next run."""
    recipient = get_user_model().objects.filter(pk=recipient_id).first()
    if recipient is None:  # the account was deleted since the rows were listed
        return 0
    notifications = list(
        Notification.objects.filter(pk__in=ids)
        .select_related("comment__post", "comment__author", "comment__parent")
        .order_by("comment__created_at", "comment_id")
    )
    # Words hidden, held or removed since they were queued are not sent.
    readable = [n for n in notifications if n.comment.state == Comment.State.PUBLISHED]
    decisions = [] if not recipient.email_on_decisions else _decisions(notice_ids)
    if not (readable or decisions) or not recipient.email or not recipient.is_active:
        return 0
    try:
        _email(recipient, readable, decisions).send()
    except Exception:
        logger.exception("Could not email notifications to member %s; they will be retried.", recipient.pk)
        Notification.objects.filter(pk__in=ids).update(claimed_at=None)
        AuthorNotice.objects.filter(pk__in=notice_ids).update(email_claimed_at=None)
        return 0
    return 1


def _decisions(notice_ids: list[int]) -> list[AuthorNotice]:
    return list(
        AuthorNotice.objects.filter(pk__in=notice_ids)
        .select_related("entry__comment__post", "entry__sanction", "entry__ban")
        .order_by("created_at", "pk")
    )


def _email(recipient, notifications: list[Notification], decisions: list[AuthorNotice]) -> EmailMessage:
    site = settings.FORUM_SITE_URL.rstrip("/")
    unsubscribe_url = site + reverse("forum:unsubscribe", args=[unsubscribe_token(recipient)])
    items = [
        {
            "notification": notification,
            "comment": notification.comment,
            "url": site
            + reverse("forum:comment_detail", args=[notification.comment.post.slug, notification.comment.pk])
            + f"#{notification.comment.anchor}",
        }
        for notification in notifications
    ]
    forum_name = SiteSettings.current().name
    body = render_to_string(
        "forum/notification_email.txt",
        {
            "recipient": recipient,
            "items": items,
            "decisions": decisions,
            "standing_url": site + reverse("moderation:standing"),
            "unsubscribe_url": unsubscribe_url,
            "forum_name": forum_name,
        },
    )
    return EmailMessage(
        subject=_subject(len(items), len(decisions), forum_name),
        body=body,
        to=[recipient.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def _subject(replies: int, decisions: int, forum_name: str) -> str:
    parts = []
    if decisions:
        parts.append("a moderator's decision" if decisions == 1 else f"{decisions} moderators' decisions")
    if replies:
        parts.append(f"{replies} new {'reply' if replies == 1 else 'replies'}")
    said = " and ".join(parts)
    return f"{said[0].upper()}{said[1:]} on {forum_name}"
