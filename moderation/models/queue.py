"""What waits for moderators: readers' reports and removal requests, and the site-wide moderation choices."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.models import Comment, CommentPolicy, PostSection, SettingsRow
from forum.params import refuse_control_characters, refuse_control_characters_in_line

REASON_MAX_LENGTH = 4000
CONTACT_MAX_LENGTH = 200
LOG_REASON_MAX_LENGTH = 500
LOG_NOTE_MAX_LENGTH = 2000
REPORT_DETAILS_MAX_LENGTH = 1000


class ModerationSettings(SettingsRow):
    """The site-wide moderation choices, one row, edited in the admin."""

    CACHE_KEY = "moderation:settings"

    default_policy = models.CharField(
        max_length=20,
        choices=CommentPolicy.choices,
        default=CommentPolicy.PUBLISH,
        help_text="For posts that do not choose their own policy.",
    )
    hold_links_from_unregistered = models.BooleanField(
        default=False,
        help_text="Hold for approval every comment with a link that is not posted under a member's handle.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "moderation settings"

    def __str__(self) -> str:
        return "Moderation settings"


class RemovalRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RemovalRequest.Status.OPEN)

    def oldest_first(self):
        return self.order_by("created_at", "pk")


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
        validators=[MaxLengthValidator(REASON_MAX_LENGTH), refuse_control_characters],
        help_text="What should be removed and why, in the requester's words.",
    )
    contact = models.CharField(
        max_length=CONTACT_MAX_LENGTH,
        blank=True,
        validators=[refuse_control_characters_in_line],
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
    # A keyed hash of the requester's account or browser (forum.lib.keys.reader_key): their standing page lists it.
    requester_key = models.CharField(max_length=64, blank=True)

    objects = RemovalRequestQuerySet.as_manager()

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
        return f"Removal request for {self.target}"

    @property
    def target(self) -> Comment | PostSection:
        return self.comment if self.comment_id else self.section

    @property
    def target_label(self) -> str:
        return self.target.name

    @property
    def asked_by_label(self) -> str:
        """Who asked, for moderators: a member (saying so when they wrote the comment) or a reader without an account."""
        if not self.requested_by_id:
            return "a reader without an account"
        if self.comment_id and self.requested_by_id == self.comment.author_id:
            return f"the author, {self.requested_by.handle}"
        return self.requested_by.handle

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """A reader tells the moderators a comment needs a look; one per reader per comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abuse or harassment"
        PERSONAL = "personal", "Someone's private information"
        UNLAWFUL = "unlawful", "Unlawful content"
        OFF_TOPIC = "off_topic", "Off-topic or disruptive"
        OTHER = "other", "Something else"

    class Outcome(models.TextChoices):
        NONE = "", "No verdict"
        AGREED = "agreed", "Moderators agreed"
        DISMISSED = "dismissed", "Dismissed"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    details = models.TextField(
        blank=True, validators=[MaxLengthValidator(REPORT_DETAILS_MAX_LENGTH), refuse_control_characters]
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    # A keyed hash of the reporter's account or browser: one report each, no raw identifier kept.
    reporter_key = models.CharField(max_length=64)
    # A keyed hash of who stands behind the report, their account or else their network
    # address: reports hide a comment only when they come from enough different ones.
    origin_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How the moderators answered it: the reporter's record (moderation.reporting) counts these.
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default=Outcome.NONE)
    # What this report counted towards hiding the comment, from the reporter's record when it was made.
    weight = models.FloatField(default=1.0)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_key"], name="moderation_one_report_per_reader")
        ]
        indexes = [
            models.Index(fields=["resolved_at", "comment"], name="moderation_open_reports"),
            models.Index(fields=["origin_key", "outcome"], name="moderation_reporter_record"),
            models.Index(fields=["reporter_key"], name="moderation_reports_filed"),
        ]

    def __str__(self) -> str:
        return f"Report on {self.comment.name}"
