"""The moderation log: every decision, never edited."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.models import Comment, Post, PostSection
from forum.params import refuse_control_characters, refuse_control_characters_in_line
from moderation.models.bans import Ban
from moderation.models.people import PersonNote, Sanction
from moderation.models.queue import LOG_NOTE_MAX_LENGTH, LOG_REASON_MAX_LENGTH

NOTE_TO_AUTHOR_MAX_LENGTH = 1000

LOG_TARGETS = ("comment", "section", "post", "ban", "sanction", "note")


def _only(target: str) -> dict[str, bool]:
    """The lookups that say a log entry is about `target` and nothing else."""
    return {f"{name}__isnull": name != target for name in LOG_TARGETS}


class ModerationLogEntryQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def public(self):
        """What readers may see: actions on content they can already see, never bans or notes (which
        concern people, not words), sanctions only as that one happened (no person, no reason), nothing
        about a post before it is published."""
        today = timezone.localdate()
        return self.filter(ban__isnull=True, note__isnull=True).filter(
            Q(comment__post__published_on__lte=today)
            | Q(section__post__published_on__lte=today)
            | Q(post__published_on__lte=today)
            | Q(sanction__isnull=False)
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
        WARN = "warn", "Commenter warned"
        HOLD_PERSON = "hold_person", "Commenter's comments held for review"
        SUSPEND = "suspend", "Commenter suspended"
        LIFT_SANCTION = "lift_sanction", "Sanction lifted"
        DELETE_NOTE = "delete_note", "Moderators' note deleted"
        COOL_THREAD = "cool_thread", "Replies slowed in a heated conversation"
        APPEAL_UPHELD = "appeal_upheld", "Appeal answered: decision upheld"
        APPEAL_REVERSED = "appeal_reversed", "Appeal answered: decision reversed"
        REMOVE_QUOTE = "remove_quote", "Quoted removed words taken out"

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
    sanction = models.ForeignKey(Sanction, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.ForeignKey(PersonNote, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
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
    # Only the author it concerns reads this (moderation.models.notices); never on the public log.
    note_to_author = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(NOTE_TO_AUTHOR_MAX_LENGTH), refuse_control_characters],
        help_text="For the author only, in their private notice; never on the public log.",
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
    # Decisions an author is told about privately, and may appeal once.
    TOLD_TO_AUTHOR = frozenset(
        {
            Action.REJECT,
            Action.HIDE,
            Action.HIDE_AFTER_REPORTS,
            Action.REMOVE,
            Action.PURGE,
            Action.GRANT_REMOVAL_REQUEST,
            Action.WARN,
            Action.HOLD_PERSON,
            Action.SUSPEND,
            Action.BAN,
            Action.REMOVE_QUOTE,
        }
    )
    APPEAL_ANSWERS = frozenset({Action.APPEAL_UPHELD, Action.APPEAL_REVERSED})
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
                condition=Q(**_only("comment"))
                | Q(**_only("section"))
                | Q(**_only("post"))
                | Q(**_only("ban"))
                | Q(**_only("sanction"))
                | Q(**_only("note")),
                name="moderation_log_one_target",
                violation_error_message="A log entry is about exactly one comment, section, post, ban, sanction or note.",
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
    def is_appealable(self) -> bool:
        return self.action in self.TOLD_TO_AUTHOR

    @property
    def appeal_or_none(self):
        """Its appeal (moderation.models.notices.Appeal), if the author made one."""
        try:
            return self.appeal
        except ObjectDoesNotExist:
            return None

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
        if self.sanction_id or self.note_id:
            # Public: which person is never said.
            return "a commenter"
        return self.ban.subject_label
