"""What authors are told and how they answer: the reasons moderators pick, private notices, appeals.

A notice goes to whoever can prove they wrote what a decision touched: a
member by their account, an anonymous author by the hash of the comment's
removal key (copied when the decision is taken, so erasing the comment does
not strand its author), a sanctioned browser by its device hash. None of
these reaches a page anyone else sees.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.params import refuse_control_characters, refuse_control_characters_in_line
from moderation.models.log import ModerationLogEntry
from moderation.models.queue import LOG_REASON_MAX_LENGTH

REASON_WORDING_MAX_LENGTH = 100
APPEAL_MAX_LENGTH = 1000

# The list moderators start with; kept in the admin afterwards.
DEFAULT_REASONS = (
    "Off-topic",
    "Personal attack",
    "Spam",
    "Private information",
    "At the author's request",
    "Other",
)


class ReasonQuerySet(models.QuerySet):
    def offered(self):
        return self.filter(active=True).order_by("position", "pk")


class Reason(models.Model):
    """One reason moderators pick from; its wording is public (tombstones, the log, the author's notice)."""

    wording = models.CharField(
        max_length=REASON_WORDING_MAX_LENGTH, unique=True, validators=[refuse_control_characters_in_line]
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first in the list.")
    active = models.BooleanField(default=True, help_text="Untick to stop offering it; past decisions keep it.")

    objects = ReasonQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.wording


class AuthorNoticeQuerySet(models.QuerySet):
    def for_author(self, *, user_id: int | None, key_hashes: list[str], device_hash: str):
        """The notices this person may read: their account's, their keys', their browser's."""
        who = Q(pk__in=[])
        if user_id is not None:
            who |= Q(user_id=user_id)
        # Each with its partial index's own condition, which it implies anyway: without it neither
        # SQLite nor PostgreSQL may use that index, and every page an author reads scans every notice.
        if key_hashes:
            who |= Q(key_hash__in=key_hashes) & ~Q(key_hash="")
        if device_hash:
            who |= Q(device_hash=device_hash) & ~Q(device_hash="")
        return self.filter(who)

    def undismissed(self):
        return self.filter(dismissed_at__isnull=True)


class AuthorNotice(models.Model):
    """A private message to an author about one decision on their comment or on them."""

    entry = models.ForeignKey(ModerationLogEntry, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    key_hash = models.CharField(max_length=64, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    # Members with an address get it by email too, batched with their reply emails (forum.services.notifications).
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = AuthorNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(user__isnull=True, key_hash="", device_hash=""),
                name="moderation_notice_has_reader",
                violation_error_message="A notice is for an account, a removal key or a browser.",
            )
        ]
        indexes = [
            models.Index(fields=["key_hash"], condition=~Q(key_hash=""), name="moderation_notice_key"),
            models.Index(fields=["device_hash"], condition=~Q(device_hash=""), name="moderation_notice_device"),
            models.Index(fields=["user", "dismissed_at"], name="moderation_notice_user"),
        ]

    def __str__(self) -> str:
        return f"Notice of {self.entry}"


class AppealQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Appeal.Status.OPEN)


class Appeal(models.Model):
    """An author asks for a second look at one decision; answered in the open log, without words."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a moderator"
        UPHELD = "upheld", "Upheld: the decision stands"
        REVERSED = "reversed", "Reversed"
        WITHDRAWN = "withdrawn", "Closed: the words were removed by their author"

    entry = models.OneToOneField(ModerationLogEntry, on_delete=models.PROTECT, related_name="appeal")
    text = models.TextField(validators=[MaxLengthValidator(APPEAL_MAX_LENGTH), refuse_control_characters])
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(
        max_length=LOG_REASON_MAX_LENGTH, blank=True, validators=[refuse_control_characters_in_line]
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="moderation_appeal_queue")]

    def __str__(self) -> str:
        return f"Appeal of {self.entry}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
