"""Comments that quote words since erased, waiting for a moderator to take the quoted part out."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from forum.models import Comment


class QuoteFindingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class QuoteFinding(models.Model):
    """A comment that repeats a run of an erased comment's words; `spans` say where, in its text as it was."""

    class Outcome(models.TextChoices):
        NONE = "", "Waiting"
        REMOVED = "removed", "Quoted part removed"
        KEPT = "kept", "Kept as it is"
        GONE = "gone", "The quoting comment was erased too"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="quote_findings")
    # The erased comment: only its id and tombstone remain, never its words.
    erased = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    spans = models.JSONField(help_text="[start, end] of each quoted run in the comment's text when found.")
    # The quoting comment's text changed since (an edit) when this differs: the spans are looked for again.
    text_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True, default=Outcome.NONE)

    objects = QuoteFindingQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["comment", "erased"], name="moderation_one_finding_per_pair")]
        indexes = [models.Index(fields=["resolved_at", "created_at"], name="moderation_quote_queue")]

    def __str__(self) -> str:
        return f"{self.comment.name} quotes removed words"

    @property
    def pieces(self) -> list[tuple[str, bool]]:
        """The quoting comment's text cut at the quoted runs: (text, is it quoted?), for moderators to read."""
        text, pieces, last = self.comment.text, [], 0
        for start, end in sorted(self.spans):
            pieces += [(text[last:start], False), (text[start:end], True)]
            last = end
        pieces.append((text[last:], False))
        return [piece for piece in pieces if piece[0]]
