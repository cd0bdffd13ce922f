"""An index of each comment's word fingerprints (forum.lib.quotes), so quotes of erased words are found by lookup."""

from django.db import models

from forum.lib.quotes import fingerprints
from forum.models.comments import Comment


class QuoteMarkQuerySet(models.QuerySet):
    def write_for(self, comments, *, new: bool = False) -> int:
        """(Re)write the fingerprints of these comments from their current text; erased ones keep none.
        `new`: the comments were just written, so they have none to replace."""
        comments = list(comments)
        if not new:
            self.filter(comment__in=[comment.pk for comment in comments]).delete()
        rows = [
            QuoteMark(comment_id=comment.pk, mark=mark)
            for comment in comments
            if not comment.is_gone
            for mark in fingerprints(comment.text)
        ]
        self.bulk_create(rows, batch_size=2000)
        return len(rows)


class QuoteMark(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    mark = models.BigIntegerField()

    objects = QuoteMarkQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["mark"], name="forum_quote_mark")]
