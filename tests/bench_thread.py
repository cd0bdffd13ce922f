"""Time the thread page for threads of several sizes: `make bench`.

Builds the threads in a throwaway test database (SQLite by default, PostgreSQL
with DATABASE_URL), requests each post page several times through Django's test
client, and prints the median time, the time per 1,000 comments and the query
count. Figures, not assertions: speed goals are read here, never in tests.
"""

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIZES = [100, 1_000, 3_000]
REPEATS = 7


warnings.filterwarnings("ignore", "No directory at")  # WhiteNoise: no collectstatic here


def main() -> None:
    from tests.factories import make_member, make_moderator, make_post, make_thread

    # Not setup_test_environment(): its instrumented rendering copies the
    # context on every include and would time the test harness, not the page.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if connection.vendor == "sqlite":
        # Its own file, so a test run at the same time cannot delete it underneath.
        connection.settings_dict["TEST"]["NAME"] = str(Path(settings.BASE_DIR) / "bench-db.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        # Readers are the page's audience; moderators get every comment's action buttons.
        readers, moderators = Client(), Client()
        moderators.force_login(make_moderator())
        print(f"database: {connection.vendor}; median of {REPEATS} requests")
        for size in SIZES:
            post = make_post()
            make_thread(post=post, size=size)
            _mix_identities(post, member=make_member())
            _refer_back(post)
            for audience, client in (("reader", readers), ("moderator", moderators)):
                _time_page(client, post.get_absolute_url(), size, audience)
        # The largest thread pages its conversations: time a later page and the search.
        _time_page(readers, post.get_absolute_url() + "?page=3", size, "page 3")
        _time_page(readers, post.get_absolute_url() + "?sort=newest", size, "newest")
        _time_page(readers, "/search/?q=comment+reply", size, "search")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _time_page(client, url: str, size: int, audience: str) -> None:
    client.get(url)  # warm the template cache
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    median = statistics.median(timings) * 1000
    print(
        f"{size:>6} comments, {audience:<9}: {median:7.1f} ms  ({median / size * 1000:5.1f} ms per 1,000)  "
        f"{len(queries)} queries  {len(response.content) / 1024:7.0f} KiB"
    )


def _refer_back(post) -> None:
    """Comments a minute apart, and every fourth naming an earlier one by its time, as readers here do."""
    from datetime import timedelta

    from django.utils import timezone

    from forum import references
    from forum.models import Comment

    comments = list(Comment.objects.filter(post=post).order_by("pk"))
    start = timezone.now() - timedelta(minutes=len(comments) + 1)
    Through = Comment.refers_to.through
    links = []
    for number, comment in enumerate(comments):
        comment.created_at = start + timedelta(minutes=number)
        if number >= 10 and number % 4 == 0:
            earlier = comments[number - 7]
            comment.text = f"@anon {references.minute_label(earlier.created_at)} I reply to this comment."
            comment.set_text(comment.text)
            earlier_index = references.EarlierComments.from_rows([(earlier.pk, earlier.created_at, None, "")])
            comment.html, targets = references.link_references(comment.html, earlier_index)
            links += [Through(from_comment_id=comment.pk, to_comment_id=pk) for pk in targets]
    Comment.objects.bulk_update(comments, ["created_at", "text", "html"], batch_size=500)
    Through.objects.bulk_create(links)


def _mix_identities(post, *, member) -> None:
    """A third of the comments by a member, a third under typed names, a third anonymous with tags."""
    from forum.models import Comment

    ids = list(Comment.objects.filter(post=post).values_list("pk", flat=True))
    Comment.objects.filter(pk__in=ids[0::3]).update(author=member)
    Comment.objects.filter(pk__in=ids[1::3]).update(author_name="Getafix")
    Comment.objects.filter(pk__in=ids[2::3]).update(anon_tag="K7Q", anon_fingerprint="K7Q0000000000000")


if __name__ == "__main__":
    main()
