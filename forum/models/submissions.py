"""Pieces readers send the editors, until an editor publishes or declines them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from forum.models.comments import AUTHOR_NAME_MAX_LENGTH
from forum.models.posts import SECTION_MAX_LENGTH, PostSection
from forum.params import refuse_control_characters, refuse_control_characters_in_line


class SubmissionQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(state=Submission.State.WAITING)

    def oldest_first(self):
        return self.order_by("submitted_at", "pk")


class Submission(models.Model):
    """A piece a reader sent the editors for publication, until an editor publishes or declines it."""

    class Credit(models.TextChoices):
        HANDLE = "handle", "My handle"
        NAME = "name", "A name I give"
        ANONYMOUS = "anonymous", "Anonymous"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for an editor"
        PUBLISHED = "published", "Published"
        DECLINED = "declined", "Declined"

    title = models.CharField(max_length=200, validators=[refuse_control_characters_in_line])
    text = models.TextField(validators=[MaxLengthValidator(SECTION_MAX_LENGTH), refuse_control_characters])
    credit = models.CharField(max_length=12, choices=Credit.choices, default=Credit.ANONYMOUS)
    credit_name = models.CharField(
        max_length=AUTHOR_NAME_MAX_LENGTH, blank=True, validators=[refuse_control_characters_in_line]
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    section = models.OneToOneField(
        PostSection, on_delete=models.SET_NULL, null=True, blank=True, related_name="submission"
    )
    # The piece was published as a post of its own, whose title is the sender's words too.
    created_post = models.BooleanField(default=False, editable=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        permissions = [("review_submissions", "Can read pieces sent in and publish or decline them")]

    def __str__(self) -> str:
        return self.title

    @property
    def credit_label(self) -> str:
        """How the published piece names its sender."""
        if self.credit == self.Credit.HANDLE and self.sender_id:
            return self.sender.handle
        if self.credit == self.Credit.NAME and self.credit_name:
            return self.credit_name
        return "Anonymous"

    @property
    def is_waiting(self) -> bool:
        return self.state == self.State.WAITING

    def clean(self) -> None:
        if self.credit == self.Credit.HANDLE and not self.sender_id:
            raise ValidationError({"credit": "Log in to be credited under your handle."})
        if self.credit == self.Credit.NAME and not self.credit_name.strip():
            raise ValidationError({"credit_name": "Give the name to credit you under."})
        if not self.text.strip():
            raise ValidationError({"text": "The piece needs some text."})
