"""Time a reply posted through the comment form against a bare insert, side by side in one run: `make bench`.

In a thread of 1,000 comments (tests/bench_thread.py builds it), an anonymous
reader replies to an earlier comment through Django's test client, the whole
posting path: the form, its traps, bans, sanctions, watched words, the rate
limits, the insert into the tree, references, fragments. The baseline is
`comment_import`, the bare insert into the same tree, measured in the same run,
interleaved with the replies. Then the posting checks alone, timed by themselves.

With BENCH_SCREENING=1 (the default) the run first fills in 200 watched words
and 1,000 sanctions in force (each on four links) where the code has them, so
the same script measures the code before those existed and after, each on its
own worktree: compare the ratios. Figures, not assertions.
"""

import os
import random
import secrets
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "61"))
SIZE = int(os.environ.get("BENCH_POSTING_SIZE", "1000"))
SCREENING = os.environ.get("BENCH_SCREENING", "1") == "1"

warnings.filterwarnings("ignore", "No directory at")


def main() -> None:
    from tests.bench_thread import build_thread, seed_texts

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(settings.BASE_DIR) / "bench-db.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        # Machine speed: no minimum time to fill the form, and no rate limit in the way of repeated posts.
        with override_settings(FORUM_MIN_FORM_SECONDS=0, FORUM_COMMENTS_PER_IP=10**6, FORUM_COMMENTS_PER_POSTER=10**6):
            post = build_thread(SIZE, seed_texts())
            screening = fill_screening() if SCREENING else "none"
            bench(post, screening)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def fill_screening() -> str:
    """200 watched words and 1,000 sanctions in force, where this version of the code has them."""
    try:
        from moderation.models import PersonLink, Sanction, WatchedWord
    except ImportError:
        return "none (this version has no watched words or sanctions)"
    from moderation import screening

    words = [f"watched{number}" for number in range(200)]
    WatchedWord.objects.bulk_create(
        WatchedWord(phrase=word, key=screening.phrase_key(word), action=["refuse", "hold", "flag"][number % 3])
        for number, word in enumerate(words)
    )
    sanctions = Sanction.objects.bulk_create(
        Sanction(kind=["warning", "hold", "suspension"][number % 3], reason="bench") for number in range(1000)
    )
    PersonLink.objects.bulk_create(
        PersonLink(kind=kind, value=secrets.token_hex(32), sanction=sanction)
        for sanction in sanctions
        for kind in ("account", "name", "device", "address")
    )
    return "200 watched words, 1,000 sanctions in force (4,000 links)"


def bench(post, screening: str) -> None:
    from forum.models import Comment
    from forum.services.comments import comment_import

    rng = random.Random(1)
    parents = list(Comment.objects.filter(post=post).values_list("pk", flat=True))
    texts = [f"A reply about the winter, number {number}, with nothing watched in it." for number in range(REPEATS + 1)]

    def reply(number: int) -> None:
        reader = Client(REMOTE_ADDR=f"198.51.{number // 250}.{number % 250 + 1}")
        url = f"/posts/{post.slug}/comments/{rng.choice(parents)}/reply/"
        response = reader.post(url, {"text": texts[number], "identity": "anonymous"})
        assert response.status_code == 302, response.content.decode()[:2000]

    def insert(number: int) -> None:
        comment_import(post=post, parent=Comment.objects.get(pk=rng.choice(parents)), text=texts[number])

    print(f"database: {connection.vendor}; thread of {SIZE}; screening: {screening}; median of {REPEATS}")
    # Interleaved, one of each in turn, so both meet the same load on a shared machine.
    insert(0), reply(0)
    timings: dict[str, list[float]] = {"insert": [], "reply": []}
    for number in range(1, REPEATS + 1):
        for name, action in (("insert", insert), ("reply", reply)):
            started = time.perf_counter()
            action(number)
            timings[name].append(time.perf_counter() - started)
    baseline, posted = (statistics.median(timings[name]) * 1000 for name in ("insert", "reply"))
    print(f"{'baseline (comment_import)':<28}{baseline:>8.1f} ms")
    print(f"{'reply through the form':<28}{posted:>8.1f} ms{posted / baseline:>8.2f} × baseline")
    checks = screening_ms(post)
    if checks is not None:
        print(f"{'of which the posting checks':<28}{checks:>8.2f} ms{checks / posted:>8.1%} of the reply")


def screening_ms(post) -> float | None:
    """The posting checks alone (bans, sanctions, watched words, heat, limits), where this code has them."""
    try:
        from moderation.services.screening import screen_post
    except ImportError:
        return None
    from forum.models import Comment

    comment = Comment(post=post, text=" ".join(["A reply about the winter, with nothing watched in it."] * 4))
    timings = []
    for number in range(REPEATS * 5):
        started = time.perf_counter()
        screen_post(
            comment=comment, poster=None, address=f"203.0.113.{number % 250}", device="d", acknowledged_warning=None
        )
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


if __name__ == "__main__":
    main()
