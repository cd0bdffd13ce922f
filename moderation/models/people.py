"""What moderators keep about people rather than comments: private notes and sanctions short of a ban.

A person is known only by links: their account, the skeleton of a name they
typed, a keyed hash of their browser's device cookie, a keyed hash of their
network address (moderation.identity). A note or a sanction stores every link
the moderator saw, and applies wherever any one of them turns up again.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.params import refuse_control_characters, refuse_control_characters_in_line
from moderation.models.queue import LOG_NOTE_MAX_LENGTH, LOG_REASON_MAX_LENGTH

SUBJECT_LABEL_MAX_LENGTH = 120


class SanctionQuerySet(models.QuerySet):
    def active(self):
        """In force now: not lifted, not acknowledged (warnings), not ended."""
        return self.filter(lifted_at__isnull=True, acknowledged_at__isnull=True).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now())
        )


class Sanction(models.Model):
    """A step short of a ban on one person: a warning to acknowledge, holding their comments, or a suspension."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        HOLD = "hold", "Hold every comment for review"
        SUSPENSION = "suspension", "Suspension"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(
        max_length=LOG_REASON_MAX_LENGTH,
        validators=[refuse_control_characters_in_line],
        help_text="Shown to the person (the warning's text, or why they are suspended); never on public pages.",
    )
    # How the moderator saw the person when deciding ("Anon·K7Q on “A post”"), for the moderators' pages.
    subject_label = models.CharField(max_length=SUBJECT_LABEL_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until lifted (or, for a warning, read).")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A warning ends when its reader ticks "I have read this" and posts.
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["lifted_at", "acknowledged_at", "ends_at"], name="moderation_sanction_live")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_label}"

    @property
    def is_active(self) -> bool:
        return (
            self.lifted_at is None
            and self.acknowledged_at is None
            and (self.ends_at is None or self.ends_at > timezone.now())
        )

    @property
    def status_label(self) -> str:
        if self.lifted_at:
            return "lifted"
        if self.acknowledged_at:
            return "read"
        if self.ends_at and self.ends_at <= timezone.now():
            return "ended"
        return "in force"


class PersonNoteQuerySet(models.QuerySet):
    def kept(self):
        return self.filter(deleted_at__isnull=True)


class PersonNote(models.Model):
    """A moderator's private note on a person, shown only to moderators; a deleted note keeps no words."""

    text = models.TextField(validators=[MaxLengthValidator(LOG_NOTE_MAX_LENGTH), refuse_control_characters])
    subject_label = models.CharField(max_length=SUBJECT_LABEL_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The person deleted their account: the note goes once no sanction on them is in force (forum.ops.retention).
    subject_gone = models.BooleanField(default=False)

    objects = PersonNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Note on {self.subject_label}"


class PersonLink(models.Model):
    """One link that identifies the person a note or a sanction is about; none of them is a raw identifier."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Same account"
        NAME = "name", "Same typed name"
        DEVICE = "device", "Same browser"
        ADDRESS = "address", "Same network address"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The account's id, the name's skeleton, or a keyed hash of the device cookie or the address.
    value = models.CharField(max_length=1000)
    note = models.ForeignKey(PersonNote, on_delete=models.CASCADE, null=True, blank=True, related_name="links")
    sanction = models.ForeignKey(Sanction, on_delete=models.CASCADE, null=True, blank=True, related_name="links")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(note__isnull=False, sanction__isnull=True) | Q(note__isnull=True, sanction__isnull=False),
                name="moderation_person_link_one_owner",
                violation_error_message="A person's link belongs to one note or one sanction.",
            )
        ]
        indexes = [models.Index(fields=["kind", "value"], name="moderation_person_link")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"
