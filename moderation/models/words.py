"""Watched words, and the record of why a posting check held or flagged a comment."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from forum.lib.sanitiser import screenable_text
from forum.models import Comment
from moderation.models.people import Sanction

WATCHED_PHRASE_MAX_LENGTH = 100
# Folding can spell one character out as many ("ﷺ" is 18 letters): room for that, refused beyond it.
WATCHED_KEY_MAX_LENGTH = 1000


class WatchedWord(models.Model):
    """A word or phrase moderators watch for, and what a comment containing it meets."""

    class Action(models.TextChoices):
        REFUSE = "refuse", "Refuse: the author sees why and keeps the text"
        HOLD = "hold", "Hold for review"
        FLAG = "flag", "Publish, and flag to the Reported tab"

    phrase = models.CharField(max_length=WATCHED_PHRASE_MAX_LENGTH)
    # The phrase's words as the matcher compares them (moderation.screening.word_keys), space-separated.
    key = models.CharField(max_length=WATCHED_KEY_MAX_LENGTH, unique=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["phrase", "pk"]

    def __str__(self) -> str:
        return self.phrase


class ScreeningHit(models.Model):
    """Why a posting check held or flagged a comment: a watched word (and where), or a hold on its author.

    Only the position of the match is kept, never the words: the moderators'
    pages read the snippet from the comment, so it goes when the comment is erased.
    """

    class Source(models.TextChoices):
        WATCHED_WORD = "watched_word", "Watched word"
        PERSON_HOLD = "person_hold", "The author's comments are held"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="screening_hits")
    source = models.CharField(max_length=16, choices=Source.choices)
    action = models.CharField(max_length=8, choices=WatchedWord.Action.choices)
    watched_word = models.ForeignKey(WatchedWord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The entry as it read then, kept if the entry is deleted later.
    phrase = models.CharField(max_length=WATCHED_PHRASE_MAX_LENGTH, blank=True)
    sanction = models.ForeignKey(Sanction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Where the match begins and ends in the comment's screenable text (forum.lib.sanitiser.screenable_text).
    start = models.PositiveIntegerField(default=0)
    end = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} on comment {self.comment_id}"

    @property
    def snippet(self) -> tuple[str, str, str]:
        """(before, match, after) from the comment's text, a few words either side; empty once erased."""
        text = screenable_text(self.comment.html)
        if not text or self.end > len(text) or self.end <= self.start:
            return "", "", ""
        before = text[max(0, self.start - 40) : self.start]
        return before, text[self.start : self.end], text[self.end : self.end + 40]
