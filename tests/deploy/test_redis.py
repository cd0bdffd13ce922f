"""With REDIS_URL, every server process counts against one limit: two gunicorns, one poster, one allowance."""

import pytest
from django.db import connection

from forum.lib.limits import Throttle
from forum.models import Comment
from tests.factories import make_post
from tests.servers import Visitor, database_url, gunicorn, production_env

ALLOWED = 3


@pytest.mark.django_db(transaction=True)
def test_two_server_processes_share_one_posting_limit(redis_url, redis_cache, collected_static):
    post = make_post()
    env = production_env(
        DATABASE_URL=database_url(connection.settings_dict),
        DJANGO_STATIC_ROOT=collected_static,
        REDIS_URL=redis_url,
        FORUM_COMMENTS_PER_POSTER=ALLOWED,
    )
    with gunicorn(env) as first, gunicorn(env) as second:
        poster = Visitor()
        answers = [
            poster.post_comment(base, post.slug, f"Comment number {n}") for n, base in enumerate([first, second] * 4)
        ]

    statuses = [answer.status for answer in answers]
    assert statuses[:ALLOWED] == [302] * ALLOWED, [answer.body[:300] for answer in answers[:ALLOWED]]
    assert statuses[ALLOWED:] == [429] * (8 - ALLOWED)  # whichever server each one reached
    assert "Comment number 7" in answers[-1].body  # refused with the text kept in the form
    assert Comment.objects.filter(post=post).count() == ALLOWED
    accepted = {answer.comment_id for answer in answers[:ALLOWED]}
    assert accepted == set(Comment.objects.filter(post=post).values_list("pk", flat=True))


def test_limits_count_atomically_in_redis(redis_cache):
    """Increment, then compare: the count a request sees includes itself, so a burst cannot share a slot."""
    throttle = Throttle("test-burst", limit=5, window_seconds=60)
    assert [throttle.attempt("192.0.2.9") for _ in range(7)] == [True] * 5 + [False] * 2
    throttle.give_back("192.0.2.9")
    assert throttle.attempt("192.0.2.9") is True
    assert throttle.attempt("192.0.2.10") is True  # another subject, its own count
