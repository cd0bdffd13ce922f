"""Time the thread page against a flat-loop baseline, side by side in one run: `make bench`.

For threads of 100, 1,000 and 10,000 comments (a fifth of them top-level,
replies up to six deep, their words the seed threads' real comments, a third
each anonymous with tags, under typed names and by members, a quarter naming
an earlier comment by its time), built in a throwaway test database (SQLite by
default, PostgreSQL with DATABASE_URL), it requests through Django's test client:

- baseline: one SELECT ordered by (tree_id, lft) and one template loop printing
  each comment's stored HTML in the site's base page, for the same rows the
  thread page shows (its first page);
- reader, after a change: an anonymous reader's page right after a moderator
  hid or unhid a comment, so nothing is cached;
- reader, unchanged: the same page again;
- moderator: a moderator's page (never cached).

Each is the median of several requests, with its ratio to the baseline
measured in the same run, bytes per comment shown and the query count. This
machine is shared: read the ratios, not the milliseconds. Figures, not
assertions; the goals are in issue 13 and the README.
"""

import os
import random
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "100,1000,10000").split(",")]
REPEATS = int(os.environ.get("BENCH_REPEATS", "9"))
SEEDS = Path(settings.BASE_DIR) / "seeds"

warnings.filterwarnings("ignore", "No directory at")  # WhiteNoise: no collectstatic here


def main() -> None:
    from tests import bench_urls
    from tests.factories import make_moderator

    # Not setup_test_environment(): its instrumented rendering copies the
    # context on every include and would time the test harness, not the page.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if connection.vendor == "sqlite":
        # Its own file, so a test run at the same time cannot delete it underneath.
        connection.settings_dict["TEST"]["NAME"] = str(Path(settings.BASE_DIR) / "bench-db.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        with override_settings(ROOT_URLCONF=bench_urls.__name__):
            moderator = make_moderator("Benchmoderator")
            texts = seed_texts()
            print(f"database: {connection.vendor}; median of {REPEATS} requests; ratio = time / baseline's time")
            print(
                f"{'comments':>8}  {'page':<22}{'ms':>8}{'ratio':>7}{'shown':>7}{'B/comment':>10}{'bytes ratio':>12}{'queries':>8}"
            )
            for size in SIZES:
                bench_size(size, texts, moderator)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def bench_size(size: int, texts: list[str], moderator) -> None:
    from forum.models import Comment
    from moderation.services.comments import comment_moderate

    post = build_thread(size, texts)
    readers, moderators = Client(), Client()
    moderators.force_login(moderator)
    url = post.get_absolute_url()
    first = readers.get(url)
    shown = count_comments(first.content.decode())
    toggled = Comment.objects.filter(post=post, state=Comment.State.PUBLISHED).order_by("tree_id", "lft")[1]

    def change() -> None:  # something every reader sees, through the moderation service
        state = Comment.objects.get(pk=toggled.pk).state
        action = "unhide" if state == Comment.State.HIDDEN else "hide"
        comment_moderate(comment=toggled, action=action, moderator=moderator)

    baseline_url = f"/bench/baseline/{post.slug}/?limit={shown}"
    rows = [
        ("baseline (flat loop)", readers, baseline_url, None),
        ("reader, after a change", readers, url, change),
        ("reader, unchanged", readers, url, None),
        ("moderator", moderators, url, None),
    ]
    baseline_ms = baseline_bytes = None
    for label, client, page_url, before in rows:
        ms, response, queries = time_page(client, page_url, before)
        per_comment = len(response.content) / shown
        if baseline_ms is None:
            baseline_ms, baseline_bytes = ms, per_comment
        print(
            f"{size:>8}  {label:<22}{ms:>8.1f}{ms / baseline_ms:>7.2f}{shown:>7}{per_comment:>10.0f}"
            f"{per_comment / baseline_bytes:>12.2f}{queries:>8}"
        )


def time_page(client, url: str, before) -> tuple[float, object, int]:
    client.get(url)  # warm the template cache (and the page cache, where there is one)
    timings = []
    for _ in range(REPEATS):
        if before is not None:
            before()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings) * 1000, response, len(queries)


def count_comments(html: str) -> int:
    import re

    return len(re.findall(r'<li (?:class="comment[^"]*" )?id="?c\d+', html))


def seed_texts() -> list[str]:
    """The seed threads' own comments: the length and shape of what this community writes."""
    from forum.archives.seeds import parse_seed

    texts = []

    def walk(comments) -> None:
        for comment in comments:
            if comment.text:
                texts.append(comment.text)
            walk(getattr(comment, "replies", []))

    for path in sorted(SEEDS.glob("*.txt")):
        walk(parse_seed(path.read_text(encoding="utf-8")).comments)
    return texts


def build_thread(size: int, texts: list[str]):
    """A post with `size` comments, written through the importer (bulk trees, fragments, mention links)."""
    from forum.archives.records import ImportedComment, ImportedMember, ImportedPost, ImportedSection
    from forum.archives.writer import import_records
    from forum.models import Post

    rng = random.Random(size)
    key = f"bench:{size}"
    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    members = [ImportedMember(handle=f"Member{size}x{number}") for number in range(20)]
    records: list = [*members]
    records.append(
        ImportedPost(
            key=key, title=f"A thread of {size} comments", published_at=start, legacy_id=key,
            sections=[ImportedSection(body="<p>The editor's text.</p>")],
        )
    )  # fmt: skip
    thread: list[tuple[str, datetime, int]] = []  # (key, time, depth)
    for number in range(size):
        moment = start + timedelta(minutes=number + 1)
        candidates = [entry for entry in thread[-40:] if entry[2] < 6]
        parent = rng.choice(candidates) if candidates and rng.random() >= 0.2 else None
        text = texts[number % len(texts)]
        if thread and rng.random() < 0.25:
            text = f"@anon {rng.choice(thread)[1]:%H:%M} {text}"
        identity = number % 3
        records.append(
            ImportedComment(
                key=f"{key}:{number}",
                post_key=key,
                created_at=moment,
                text=text,
                parent_key=parent[0] if parent else "",
                anon_tag=f"K{number % 97:02d}" if identity == 0 else "",
                author_name=f"Reader {number % 50}" if identity == 1 else "",
                author_handle=members[number % len(members)].handle if identity == 2 else "",
                legacy_id=f"{key}:{number}",
            )
        )
        thread.append((f"{key}:{number}", moment, parent[2] + 1 if parent else 0))
    import_records(iter(records))
    return Post.objects.get(legacy_id=key)


if __name__ == "__main__":
    main()
