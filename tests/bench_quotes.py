"""Time the search for comments quoting erased words, in a 10,000-comment thread: `make bench`.

Erasure looks up the erased comment's fingerprints in the index
(forum.models.QuoteMark) and compares only the comments that share one
(moderation.services.quotes.quotes_find). The baseline, measured in the same
run and interleaved, is what the index replaces: reading every comment of the
thread and looking for the erased words in each. Goal (issue 25): under 50 ms on
SQLite. Two threads:

- distinct: every comment's words are its own (seed texts with a number woven in
  every four words), and five comments quote twelve words of each erased one;
- repeated: the seed threads' texts repeated as they are, so an erased text has
  about seventy identical copies in the thread, the worst case for the search.

Figures, not assertions.
"""

import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

SIZE = int(os.environ.get("BENCH_QUOTES_SIZE", "10000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "31"))
SCANS = 5

warnings.filterwarnings("ignore", "No directory at")


def main() -> None:
    from tests.bench_thread import build_thread, seed_texts

    settings.DEBUG = False
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(settings.BASE_DIR) / "bench-db.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        texts = seed_texts()
        distinct = build_thread(
            SIZE, [_woven(text, number) for number, text in enumerate(texts * (SIZE // len(texts) + 1))]
        )
        quoted = _plant_quotes(distinct)
        repeated = build_thread(SIZE + 1, texts)
        print(f"database: {connection.vendor}; threads of {SIZE}; median of {REPEATS}")
        from forum.models import QuoteMark

        print(f"fingerprints kept: {QuoteMark.objects.count():,} for {2 * SIZE + len(quoted) * 5:,} comments")
        bench("distinct words, 5 quotes each", distinct, quoted)
        bench("repeated seed texts", repeated, _sample(repeated))
        write_cost(distinct)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _woven(text: str, number: int) -> str:
    words = text.split()
    return " ".join(f"{word} n{number}x{index}" if index % 4 == 3 else word for index, word in enumerate(words))


def _sample(post) -> list[int]:
    from forum.models import Comment

    ids = list(Comment.objects.filter(post=post).exclude(text="").values_list("pk", flat=True))
    return random.Random(2).sample(ids, REPEATS)


def _plant_quotes(post) -> list[int]:
    """Five replies quoting twelve words of each of REPEATS comments; returns the quoted comments."""
    from forum.lib.quotes import words_of
    from forum.models import Comment
    from forum.services.comments import comment_import

    targets = [
        comment
        for comment in Comment.objects.filter(post=post).exclude(text="").order_by("?")[: REPEATS * 3]
        if len(words_of(comment.text)) >= 14
    ][:REPEATS]
    for comment in targets:
        words = comment.text.split()
        for number in range(5):
            comment_import(post=post, parent=comment, text=f"Quoting {number}: “{' '.join(words[1:13])}” — quite.")
    return [comment.pk for comment in targets]


def bench(label: str, post, comment_ids: list[int]) -> None:
    from forum.models import Comment
    from moderation.services.quotes import quotes_find

    indexed, scanned, found = [], [], []
    for number, pk in enumerate(comment_ids):
        text = Comment.objects.get(pk=pk).text
        # The scan takes seconds: interleaved with the first SCANS searches only.
        searches = (("scan", _scan), ("index", quotes_find)) if number < SCANS else (("index", quotes_find),)
        for name, search in searches:
            with transaction.atomic():
                started = time.perf_counter()
                count = search(erased_texts={pk: text}) if name == "index" else search(post, pk, text)
                elapsed = time.perf_counter() - started
                transaction.set_rollback(True)  # findings are not kept: each erasure starts from the same table
            (indexed if name == "index" else scanned).append(elapsed)
            if name == "index":
                found.append(count)
    index_ms, scan_ms = statistics.median(indexed) * 1000, statistics.median(scanned) * 1000
    print(f"{label}:")
    print(f"  {'baseline: read every comment':<40}{scan_ms:>8.1f} ms  (median of {len(scanned)})")
    print(f"  {'quote search through the index':<40}{index_ms:>8.1f} ms{index_ms / scan_ms:>8.2f} × baseline")
    print(f"  findings per erasure: median {statistics.median(found):.0f}, max {max(found)}")


def write_cost(post) -> None:
    """What keeping the index costs each comment posted: its fingerprints written (an edit also deletes the old
    ones), beside the comment's own row written again (a bare save), interleaved."""
    from forum.models import Comment, QuoteMark

    comments = list(Comment.objects.filter(post=post).exclude(text="").order_by("?")[: REPEATS * 3])
    marks, saves = [], []
    for comment in comments:
        for timings, write in (
            (saves, lambda: comment.save(update_fields=["text", "html"])),
            (marks, lambda: QuoteMark.objects.write_for([comment], new=True)),
        ):
            with transaction.atomic():
                started = time.perf_counter()
                write()
                timings.append(time.perf_counter() - started)
    save_ms, marks_ms = statistics.median(saves) * 1000, statistics.median(marks) * 1000
    words = statistics.median(len(comment.text.split()) for comment in comments)
    print(f"writing a comment of the seeds' length (median {words:.0f} words):")
    print(f"  {'baseline: the comment row saved':<40}{save_ms:>8.2f} ms")
    print(f"  {'its fingerprints written':<40}{marks_ms:>8.2f} ms{marks_ms / save_ms:>8.2f} × baseline")


def _scan(post, erased_pk: int, text: str) -> int:
    """What the index replaces: every comment's text read and compared with the erased words."""
    from forum.lib.quotes import quoted_spans
    from forum.models import Comment

    rows = Comment.objects.filter(post=post).exclude(pk=erased_pk).exclude(text="").values_list("pk", "text")
    return sum(1 for _, other in rows.iterator(chunk_size=2000) if quoted_spans(text, other))


if __name__ == "__main__":
    main()
