"""A process that posts comments into one thread, for the concurrency test.

Kept apart from the test module: a spawned process imports this module before
Django is set up, so nothing here may import models at the top.
"""

import os
import random

COMMENTS_PER_WORKER = 30


def post_many(database_name: str, post_pk: int, worker: int, start, failures) -> None:
    """Runs in a fresh (spawned) process: its own Django, its own connection to the test database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database_name
    import django

    django.setup()
    from django.db import connections

    from forum.models import Comment, Post
    from forum.services.comments import comment_post

    try:
        rng = random.Random(worker)
        post = Post.objects.get(pk=post_pk)
        start.wait(timeout=30)
        for number in range(COMMENTS_PER_WORKER):
            parent = None
            if rng.random() < 0.75:
                ids = list(Comment.objects.filter(post=post).values_list("pk", flat=True))
                parent = Comment.objects.get(pk=rng.choice(ids))
            comment_post(post=post, parent=parent, text=f"worker {worker} comment {number}")
    except Exception as error:  # reported to the parent, which fails the test
        failures.put(f"worker {worker}: {error!r}")
    finally:
        connections.close_all()
