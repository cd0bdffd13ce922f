"""Requests to take words down, made by people who cannot prove they wrote them.

The moderation queue and the moderation log arrive with the moderation
issue; comment states themselves live on forum.Comment.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from forum.models import Comment, PostSection, no_nul_bytes

REASON_MAX_LENGTH = 4000
CONTACT_MAX_LENGTH = 200


class RemovalRequest(models.Model):
    """Someone asks the moderators to take down a comment or a post section."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a moderator"
        GRANTED = "granted", "Granted: removed"
        DECLINED = "declined", "Declined"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="removal_requests"
    )
    section = models.ForeignKey(
        PostSection, on_delete=models.CASCADE, null=True, blank=True, related_name="removal_requests"
    )
    reason = models.TextField(
        validators=[MaxLengthValidator(REASON_MAX_LENGTH), no_nul_bytes],
        help_text="What should be removed and why, in the requester's words.",
    )
    contact = models.CharField(
        max_length=CONTACT_MAX_LENGTH,
        blank=True,
        validators=[no_nul_bytes],
        help_text="Optional: how moderators can reach the requester. Never shown publicly.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="removal_requests",
        help_text="Set when the requester was logged in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="removal_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(comment__isnull=False, section__isnull=True)
                | Q(comment__isnull=True, section__isnull=False),
                name="moderation_removal_request_one_target",
                violation_error_message="A removal request is about one comment or one section.",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="moderation_request_queue")]

    def __str__(self) -> str:
        return f"Removal request {self.pk} for {self.target_label}"

    @property
    def target(self) -> Comment | PostSection:
        return self.comment if self.comment_id else self.section

    @property
    def target_label(self) -> str:
        if self.comment_id:
            return f"comment {self.comment_id}"
        return f"section {self.section_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
