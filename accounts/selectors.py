"""Reads about members that span the site's models: a member's data download, and whether a name is a member's."""

from django.utils import timezone

from accounts.models import User
from accounts.names import name_refusal_reason, name_skeleton
from forum.models import Comment

# Bumped whenever a field of the download changes meaning or goes away.
MEMBER_DATA_FORMAT_VERSION = 1


def _when(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def member_data(user, *, absolute_url) -> dict:
    """Everything the site keeps about a member that they wrote or chose, for them to download.

    `absolute_url(path)` turns the site's paths into full addresses. Erased
    words are not kept anywhere, so erased comments come with their state only.
    """
    return {
        "format": "forum-member-data",
        "version": MEMBER_DATA_FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "profile": _profile(user, absolute_url),
        "comments": _comments(user, absolute_url),
        "follows": _follows(user, absolute_url),
        "pieces_sent": _pieces_sent(user),
        "reports": _reports(user),
        "removal_requests": _removal_requests(user),
        "decisions": _decisions(user),
    }


def _profile(user, absolute_url) -> dict:
    return {
        "handle": user.handle,
        "email": user.email,
        "joined_at": _when(user.date_joined),
        "last_login_at": _when(user.last_login),
        "email_on_replies": user.email_on_replies,
        "email_on_decisions": user.email_on_decisions,
        "profile_url": absolute_url(user.get_absolute_url()),
    }


def _comments(user, absolute_url) -> list[dict]:
    comments = Comment.objects.filter(author=user).select_related("post").order_by("created_at", "pk")
    return [
        {
            "id": comment.pk,
            "url": absolute_url(comment.get_absolute_url()),
            "post": comment.post.title,
            "in_reply_to": comment.parent_id,
            "state": comment.state,
            "state_label": comment.get_state_display(),
            "posted_at": _when(comment.created_at),
            "edited_at": _when(comment.edited_at),
            "text": comment.text,
        }
        for comment in comments
    ]


def _follows(user, absolute_url) -> list[dict]:
    follows = user.post_follows.select_related("post").order_by("created_at")
    return [
        {
            "post": follow.post.title,
            "url": absolute_url(follow.post.get_absolute_url()),
            "since": _when(follow.created_at),
        }
        for follow in follows
    ]


def _pieces_sent(user) -> list[dict]:
    return [
        {
            "title": piece.title,
            "text": piece.text,
            "credit": piece.credit_label,
            "state": piece.state,
            "sent_at": _when(piece.submitted_at),
        }
        for piece in user.submissions.order_by("submitted_at")
    ]


def _reports(user) -> list[dict]:
    return [
        {
            "comment": report.comment_id,
            "reason": report.reason,
            "details": report.details,
            "reported_at": _when(report.created_at),
            "outcome": report.outcome,
        }
        for report in user.reports.order_by("created_at")
    ]


def _removal_requests(user) -> list[dict]:
    return [
        {
            "about": request.target_label,
            "reason": request.reason,
            "contact": request.contact,
            "status": request.status,
            "asked_at": _when(request.created_at),
        }
        for request in user.removal_requests.order_by("created_at")
    ]


def _decisions(user) -> list[dict]:
    """What moderators told the member about their words or them, and their appeals (moderation.authors)."""
    notices = user.notices.select_related("entry__appeal").order_by("created_at", "pk")
    return [
        {
            "decision": notice.entry.get_action_display(),
            "comment": notice.entry.comment_id,
            "reason": notice.entry.reason,
            "note_to_you": notice.entry.note_to_author,
            "decided_at": _when(notice.entry.created_at),
            "appeal": _appeal(notice.entry.appeal_or_none),
        }
        for notice in notices
    ]


def _appeal(appeal) -> dict | None:
    if appeal is None:
        return None
    return {"text": appeal.text, "status": appeal.status, "answer": appeal.answer, "sent_at": _when(appeal.created_at)}


def unregistered_name_refusal(name: str) -> str | None:
    """Why someone without an account may not appear under this name (a comment's, a piece's credit), or None."""
    if any(not character.isprintable() for character in name):
        return "A name cannot contain control characters."
    reason = name_refusal_reason(name)
    if reason:
        return reason
    if User.objects.filter(handle_key=name_skeleton(name)).exists():
        return f"“{name}” is a member’s handle, or looks like one. If it is yours, log in to use it."
    return None
