"""An index of each comment's word fingerprints (forum.lib.quotes), so quotes of erased words are found by lookup."""

from django.db import connections, models

from forum.lib.quotes import fingerprints
from forum.models.comments import Comment

WRITE_BATCH = 5000


class QuoteMarkQuerySet(models.QuerySet):
    def write_for(self, comments, *, new: bool = False) -> int:
        """(Re)write the fingerprints of these comments from their current text; erased ones keep none.
        `new`: the comments were just written, so they have none to replace."""
        comments = list(comments)
        if not new:
            self.filter(comment__in=[comment.pk for comment in comments]).delete()
        rows = [
            (comment.pk, mark) for comment in comments if not comment.is_gone for mark in fingerprints(comment.text)
        ]
        # Straight to the table: an import writes millions of these, and a model instance each would double
        # the time (tests/bench_quotes.py, make bench's import).
        table = connections[self.db].ops.quote_name(QuoteMark._meta.db_table)
        with connections[self.db].cursor() as cursor:
            for start in range(0, len(rows), WRITE_BATCH):
                cursor.executemany(
                    f"INSERT INTO {table} (comment_id, mark) VALUES (%s, %s)", rows[start : start + WRITE_BATCH]
                )
        return len(rows)


class QuoteMark(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    mark = models.BigIntegerField()

    objects = QuoteMarkQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["mark"], name="forum_quote_mark")]
