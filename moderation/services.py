"""Writes to removal requests: asking, granting and declining, each in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forum.models import Comment, PostSection

from .models import RemovalRequest


def removal_request_create(
    *,
    reason: str,
    contact: str = "",
    comment: Comment | None = None,
    section: PostSection | None = None,
    requested_by=None,
) -> RemovalRequest:
    """Record a request to take down a comment or a post section; it waits for a moderator."""
    request = RemovalRequest(
        comment=comment,
        section=section,
        reason=reason.strip(),
        contact=contact.strip(),
        requested_by=requested_by if requested_by and requested_by.is_authenticated else None,
    )
    request.full_clean()
    request.save()
    return request


def removal_request_grant(*, request: RemovalRequest, moderator) -> RemovalRequest:
    """Erase what was asked for; readers then see "Removed at author's request." in its place."""
    with transaction.atomic():
        current = _lock_open(request)
        if current.comment_id:
            Comment.objects.filter(pk=current.comment_id).exclude(state__in=Comment.GONE_STATES).erase(
                state=Comment.State.REMOVED_AT_AUTHORS_REQUEST
            )
        else:
            section = PostSection.objects.select_for_update().get(pk=current.section_id)
            section.remove_at_authors_request()
            section.save(update_fields=["body", "body_html", "removed_at_authors_request"])
        return _decide(current, RemovalRequest.Status.GRANTED, moderator)


def removal_request_decline(*, request: RemovalRequest, moderator) -> RemovalRequest:
    """Leave the content up and close the request."""
    with transaction.atomic():
        return _decide(_lock_open(request), RemovalRequest.Status.DECLINED, moderator)


def _lock_open(request: RemovalRequest) -> RemovalRequest:
    current = RemovalRequest.objects.select_for_update().get(pk=request.pk)
    if not current.is_open:
        raise ValidationError(f"This request was already decided: {current.get_status_display().lower()}.")
    return current


def _decide(request: RemovalRequest, status: str, moderator) -> RemovalRequest:
    request.status = status
    request.decided_by = moderator
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return request
