"""Removal requests, and the erasure of a part of a post at its author's request."""

import json

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forum.lib.people import member_or_none
from forum.models import REMOVED_AT_AUTHORS_REQUEST_TEXT, Comment, Post, PostSection, Submission
from forum.threads import changes
from moderation.models import RemovalRequest
from moderation.services.comments import erase_and_close_reports
from moderation.services.log import log_action
from moderation.transitions import Action, State


def removal_request_create(
    *,
    reason: str,
    contact: str = "",
    comment: Comment | None = None,
    section: PostSection | None = None,
    requested_by=None,
    requester_key: str = "",
) -> RemovalRequest:
    """Record a request to take down a comment or a post section; it waits for a moderator."""
    request = RemovalRequest(
        comment=comment,
        section=section,
        reason=reason.strip(),
        contact=contact.strip(),
        requested_by=member_or_none(requested_by),
        requester_key=requester_key,
    )
    request.full_clean()
    request.save()
    return request


def removal_request_grant(
    *, request: RemovalRequest, moderator, reason: str = "", note: str = "", note_to_author: str = ""
) -> RemovalRequest:
    """Erase what was asked for; readers then see "Removed at author's request." in its place."""
    with transaction.atomic():
        current = _lock_open(request)
        shown_by, recipients = set(), None
        if current.comment_id:
            erasure = erase_and_close_reports(
                [current.comment_id], state=State.REMOVED_AT_AUTHORS_REQUEST, moderator=moderator
            )
            shown_by = erasure.shown_by
            recipients = [erasure.recipients[current.comment_id]] if current.comment_id in erasure.recipients else []
        else:
            _erase_section(current.section_id)
        decided = _decide(
            current,
            RemovalRequest.Status.GRANTED,
            moderator,
            reason=reason,
            note=note,
            note_to_author=note_to_author,
            recipients=recipients,
        )
        changes.refresh(shown_by)
        return decided


def section_remove_at_authors_request(
    *, section: PostSection, moderator, reason: str = "", note: str = ""
) -> PostSection:
    """Take down a piece of a post whose author asked for it without a request on file (the admin's checkbox).

    Erases it as granting a request does, grants any request waiting on it, and logs once.
    """
    with transaction.atomic():
        if PostSection.objects.select_for_update().get(pk=section.pk).removed_at_authors_request:
            raise ValidationError("That part of the post is already removed.")
        erased = _erase_section(section.pk)
        waiting = RemovalRequest.objects.open().filter(section=erased)
        waiting.update(status=RemovalRequest.Status.GRANTED, decided_by=moderator, decided_at=timezone.now())
        log_action(action=Action.GRANT_REMOVAL_REQUEST, moderator=moderator, section=erased, reason=reason, note=note)
    return erased


def _erase_section(section_id: int) -> PostSection:
    """Erase a section's words everywhere they were copied: the post, the editors' inbox, and a title the piece gave its post."""
    section = PostSection.objects.select_for_update().get(pk=section_id)
    if section.removed_at_authors_request:
        return section
    section.remove_at_authors_request()
    section.save(update_fields=["body", "body_html", "heading", "credit", "removed_at_authors_request"])
    changes.posts_changed(Post.objects.filter(pk=section.post_id))
    submission = Submission.objects.filter(section=section).first()
    if submission is not None:
        if submission.created_post:
            _erase_post_title(section.post_id)
        Submission.objects.filter(pk=submission.pk).update(
            title=REMOVED_AT_AUTHORS_REQUEST_TEXT, text="", credit_name=""
        )
    return section


def _erase_post_title(post_id: int) -> None:
    """A post made from a piece carries the sender's title in its title, its address and the admin's history."""
    post = Post.objects.select_for_update().get(pk=post_id)
    old_title = post.title
    post.title = REMOVED_AT_AUTHORS_REQUEST_TEXT
    post.slug = f"removed-{post.pk}"
    post.save(update_fields=["title", "slug"])
    # The admin's own history names the post by its title, and its sections ("Title § 1") in the
    # JSON list of changes, where the title is escaped as json.dumps escapes it.
    escaped_title = json.dumps(old_title)[1:-1]
    for entry in LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Post), object_id=str(post.pk)):
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=REMOVED_AT_AUTHORS_REQUEST_TEXT,
            change_message=entry.change_message.replace(escaped_title, REMOVED_AT_AUTHORS_REQUEST_TEXT),
        )


def removal_request_decline(
    *, request: RemovalRequest, moderator, reason: str = "", note: str = "", note_to_author: str = ""
) -> RemovalRequest:
    """Leave the content up and close the request; the requester reads the outcome on their standing page."""
    with transaction.atomic():
        return _decide(
            _lock_open(request),
            RemovalRequest.Status.DECLINED,
            moderator,
            reason=reason,
            note=note,
            note_to_author=note_to_author,
        )


def _lock_open(request: RemovalRequest) -> RemovalRequest:
    current = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins.
        RemovalRequest.objects.select_for_update(of=("self",)).select_related("comment", "section").get(pk=request.pk)
    )
    if not current.is_open:
        raise ValidationError(f"This request was already decided: {current.get_status_display().lower()}.")
    return current


def _decide(
    request: RemovalRequest,
    status: str,
    moderator,
    *,
    reason: str,
    note: str,
    note_to_author: str = "",
    recipients=None,
) -> RemovalRequest:
    """Close the request and put the decision on the log (inside the caller's transaction)."""
    request.status = status
    request.decided_by = moderator
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    granted = status == RemovalRequest.Status.GRANTED
    log_action(
        action=Action.GRANT_REMOVAL_REQUEST if granted else Action.DECLINE_REMOVAL_REQUEST,
        moderator=moderator,
        comment=request.comment,
        section=request.section,
        reason=reason,
        note=note,
        note_to_author=note_to_author,
        recipients=recipients,
    )
    return request
