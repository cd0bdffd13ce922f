"""What moderators work on and what they leave behind.

Removal requests and reader reports wait in the queue; bans keep posters
out; the moderation log records every decision and is never edited. The
comment states themselves live on forum.Comment.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.models import Comment, CommentPolicy, Post, PostSection, SettingsRow
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

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_key"], name="moderation_one_report_per_reader")
        ]
        indexes = [models.Index(fields=["resolved_at", "comment"], name="moderation_open_reports")]

    def __str__(self) -> str:
        return f"Report on {self.comment.name}"


class BanQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(lifted_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class Ban(models.Model):
    """Keeps an account, an unregistered name or an address from posting, until it expires or is lifted."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Account"
        NAME = "name", "Unregistered name"
        ADDRESS = "address", "IP address"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # SET_NULL: the ban and its log entry outlive a deleted account ("a deleted account").
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="bans"
    )
    # The name's skeleton (accounts.names), so look-alike spellings are banned too.
    name_key = models.CharField(max_length=100, blank=True)
    name_shown = models.CharField(max_length=50, blank=True)
    # A keyed hash: the address itself is never stored with a ban.
    address_hash = models.CharField(max_length=64, blank=True)
    reason = models.CharField(
        max_length=LOG_REASON_MAX_LENGTH,
        blank=True,
        validators=[refuse_control_characters_in_line],
        help_text="Shown to the banned poster.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until lifted.")
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="account", name_key="", address_hash="")
                | Q(kind="name", user__isnull=True, address_hash="") & ~Q(name_key="")
                | Q(kind="address", user__isnull=True, name_key="") & ~Q(address_hash=""),
                name="moderation_ban_one_subject",
                violation_error_message="A ban is on one account, one name or one address.",
            )
        ]

    def __str__(self) -> str:
        return f"Ban {self.pk}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        if self.kind == self.Kind.ACCOUNT:
            return f"account {self.user.handle}" if self.user_id else "a deleted account"
        if self.kind == self.Kind.NAME:
            return f"the name “{self.name_shown}”"
        return f"an IP address (…{self.address_hash[-6:]})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class ModerationLogEntryQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def public(self):
        """What readers may see: actions on content they can already see, never bans (which concern
        people, not words), nothing about a post before it is published."""
        today = timezone.localdate()
        return self.filter(ban__isnull=True).filter(
            Q(comment__post__published_on__lte=today)
            | Q(section__post__published_on__lte=today)
            | Q(post__published_on__lte=today)
        )

    def latest_tombstone_decisions(self, comment_ids: list[int]) -> dict[int, "ModerationLogEntry"]:
        """comment id -> the latest decision that left the comment hidden or gone, for its tombstone."""
        rows = self.filter(comment_id__in=comment_ids, action__in=ModerationLogEntry.TOMBSTONE_ACTIONS).order_by(
            "comment_id", "created_at", "pk"
        )
        return {entry.comment_id: entry for entry in rows}


class ModerationLogEntry(models.Model):
    """One decision, written with the action in the same transaction, never edited afterwards."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        HIDE = "hide", "Hidden by a moderator"
        UNHIDE = "unhide", "Unhidden"
        REMOVE = "remove", "Removed by a moderator"
        PURGE = "purge", "Purged by a moderator"
        DISMISS_REPORTS = "dismiss_reports", "Reports dismissed"
        HIDE_AFTER_REPORTS = "hide_after_reports", "Hidden after readers' reports"
        REMOVE_BY_AUTHOR = "remove_by_author", "Removed by the author"
        GRANT_REMOVAL_REQUEST = "grant_request", "Removed at the author's request"
        DECLINE_REMOVAL_REQUEST = "decline_request", "Removal request declined"
        SET_POLICY = "set_policy", "Comment policy changed"
        EDIT_SECTION = "edit_section", "Post text edited"
        BAN = "ban", "Banned"
        LIFT_BAN = "lift_ban", "Ban lifted"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Empty when nobody decided: the author's own removal, or the system acting on reports.
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    # Exactly one target. PROTECT: the record outlives nothing it describes.
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    section = models.ForeignKey(PostSection, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ban = models.ForeignKey(Ban, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    detail = models.CharField(max_length=200, blank=True, help_text="What changed, e.g. the new policy.")
    reason = models.CharField(
        max_length=LOG_REASON_MAX_LENGTH,
        blank=True,
        validators=[refuse_control_characters_in_line],
        help_text="Public.",
    )
    private_note = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(LOG_NOTE_MAX_LENGTH), refuse_control_characters],
        help_text="For moderators only; never on the public log.",
    )

    # Decisions that leave a tombstone (or nothing) where a comment's words were.
    TOMBSTONE_ACTIONS = frozenset(
        {
            Action.HIDE,
            Action.HIDE_AFTER_REPORTS,
            Action.REMOVE,
            Action.PURGE,
            Action.REMOVE_BY_AUTHOR,
            Action.GRANT_REMOVAL_REQUEST,
        }
    )
    # What readers read in the comment's place when the decision says more than the comment's state.
    TOMBSTONES = {
        Action.HIDE_AFTER_REPORTS: "This comment has been hidden after readers' reports.",
    }

    objects = ModerationLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "moderation log entries"
        permissions = [
            ("moderate_comments", "Can moderate comments, reports and removal requests"),
            ("ban_posters", "Can ban accounts, names and addresses"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(comment__isnull=False, section__isnull=True, post__isnull=True, ban__isnull=True)
                | Q(comment__isnull=True, section__isnull=False, post__isnull=True, ban__isnull=True)
                | Q(comment__isnull=True, section__isnull=True, post__isnull=False, ban__isnull=True)
                | Q(comment__isnull=True, section__isnull=True, post__isnull=True, ban__isnull=False),
                name="moderation_log_one_target",
                violation_error_message="A log entry is about exactly one comment, section, post or ban.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        # The record is append-only: a correction is a new entry, never an edit.
        if self.pk is not None:
            raise ValueError("Moderation log entries are never edited.")
        super().save(*args, **kwargs)

    @property
    def tombstone_text(self) -> str:
        return self.TOMBSTONES.get(self.action, "")

    @property
    def explains_tombstone(self) -> bool:
        """Someone other than the author decided: the tombstone gives the reason and links to this entry."""
        return self.action != self.Action.REMOVE_BY_AUTHOR

    @property
    def about_post(self) -> Post | None:
        if self.comment_id:
            return self.comment.post
        if self.section_id:
            return self.section.post
        return self.post

    @property
    def target_url(self) -> str:
        """Where the thing decided on is shown: nowhere for a comment readers cannot see (held, rejected, purged)."""
        if self.comment_id and self.comment.state in Comment.UNLISTED_STATES:
            return ""
        target = self.comment or self.section or self.post
        return target.get_absolute_url() if target else ""

    @property
    def target_label(self) -> str:
        if self.comment_id:
            return self.comment.name
        if self.section_id:
            return self.section.name
        if self.post_id:
            return "the post"
        return self.ban.subject_label
